import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';

/** Settings of the cross-region read replica a `PlatformRecoveryRegion` keeps of the platform's database. */
export interface DatabaseReplicaOptions {
  /**
   * Instance class of the replica, without the `db.` prefix. A smaller class than the source's saves
   * money while it only replays the source's changes; a failover restores the data onto the class the
   * platform asks for.
   *
   * @default - the source database's class
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Keep a standby of the replica in a second Availability Zone of this region.
   *
   * @default false
   */
  readonly multiAz?: boolean;

  /**
   * Name of the replica instance (lower-case letters, digits, hyphens; at most 63 characters). The
   * failover runbook promotes it by this name. Set at creation only: changing it replaces the replica.
   *
   * @default "<platformName>-replica"
   */
  readonly instanceIdentifier?: string;

  /**
   * The VPC to place the replica in.
   *
   * @default - a VPC of two isolated subnets in 10.255.0.0/24, with no internet gateway, NAT or peering
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Availability Zones of the VPC created for the replica, e.g. `['us-west-2a', 'us-west-2b']`. Naming
   * them spares synthesis a lookup of the account's zones. Only without `vpc`.
   *
   * @default - the first two zones of the region
   */
  readonly availabilityZones?: string[];

  /**
   * Subnets of `vpc` for the replica.
   *
   * @default - the VPC's isolated subnets, or its private subnets when it has no isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Refuse to delete the replica instance, whatever CloudFormation asks. Turned on right after the replica
   * is created, so that a failed first deploy can still roll back.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * The replica lag (CloudWatch `ReplicaLag`, the maximum over five minutes) above which, for two
   * periods in a row, its alarm fires; it also fires while the replica reports no lag at all. An idle
   * source shows some lag, since PostgreSQL replays nothing until something is written. This is the
   * recovery point you accept: the data a failover could lose.
   *
   * @default Duration.minutes(10)
   */
  readonly maxReplicaLag?: Duration;

  /**
   * How long the replica's PostgreSQL and upgrade logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}
