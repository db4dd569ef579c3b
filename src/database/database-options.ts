import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';

/** Settings of the platform's PostgreSQL database. */
export interface PlatformDatabaseOptions {
  /**
   * PostgreSQL engine version. A newer minor is an in-place upgrade; a newer major needs
   * `allowMajorVersionUpgrade` on the instance (escape hatch).
   *
   * @default rds.PostgresEngineVersion.VER_15_17
   */
  readonly engineVersion?: rds.PostgresEngineVersion;

  /**
   * Instance class, without the `db.` prefix.
   *
   * @default ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO)
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * PostgreSQL `max_connections`, set in the parameter group (10 to 5000). The Hasura connection pool
   * is sized to fit it. Changing it takes effect at the next reboot of the instance.
   *
   * @default - RDS's own formula for the instance class, `DBInstanceClassMemory/9531392`, with a
   * conservative memory estimate (db.t3.micro: 84, db.t4g.small: 168); required for classes not known
   * to the platform
   */
  readonly maxConnections?: number;

  /**
   * Initial gp3 storage in GiB (20 to 65536). It can grow later but never shrink.
   *
   * @default 20
   */
  readonly allocatedStorageGiB?: number;

  /**
   * Upper limit, in GiB, for storage autoscaling; must be larger than `allocatedStorageGiB`.
   *
   * @default 40
   */
  readonly maxAllocatedStorageGiB?: number;

  /**
   * Keep a synchronous standby in a second Availability Zone with automatic failover.
   *
   * @default false
   */
  readonly multiAz?: boolean;

  /**
   * How long automated backups (point-in-time recovery) are kept: 1 to 35 days.
   *
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;

  /**
   * Daily backup window in UTC, `hh24:mi-hh24:mi`, at least 30 minutes.
   *
   * @default "03:00-04:00"
   */
  readonly preferredBackupWindow?: string;

  /**
   * Weekly maintenance window in UTC, `ddd:hh24:mi-ddd:hh24:mi`.
   *
   * @default "mon:04:00-mon:05:00"
   */
  readonly preferredMaintenanceWindow?: string;

  /**
   * Name of the database Hasura uses. Set at creation only: changing it replaces the database.
   *
   * @default "hasura"
   */
  readonly databaseName?: string;

  /**
   * Refuse to delete the database instance, whatever CloudFormation asks.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the database when it leaves the stack. `DESTROY` is refused unless
   * `deletionProtection` is off too.
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
}
