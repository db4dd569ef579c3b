import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * How the platform's VPC is laid out. The CIDRs and zones are set at creation only: changing them on a
 * deployed platform replaces the VPC or its subnets, and with them the database. The NAT gateway count
 * and the flow log settings can be changed later.
 */
export interface PlatformNetworkOptions {
  /**
   * IPv4 range of the VPC. Set at creation only.
   *
   * @default "10.0.0.0/16"
   */
  readonly vpcCidr?: string;

  /**
   * How many Availability Zones to spread the VPC over, taken in order from the stack's region.
   * The load balancer needs at least two. Ignored when `availabilityZones` is set. Set at creation only.
   *
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * Exact Availability Zones to use, e.g. `['us-east-1a', 'us-east-1b']`. Needs a stack with an
   * explicit region. Set at creation only.
   *
   * @default - the first `maxAzs` zones of the stack's region
   */
  readonly availabilityZones?: string[];

  /**
   * How many NAT gateways give the private subnets their outbound internet access; from 1 (cheaper,
   * one zone's outage cuts egress everywhere) to one per Availability Zone (highly available).
   *
   * Can be changed on a deployed platform: fewer removes the extra gateways and their Elastic IPs and
   * points those zones' default routes at a remaining gateway; more adds gateways and re-points routes.
   * The VPC, subnets and database stay. Tasks in the re-routed zones get a new outbound IP address
   * (update any allow-lists of third parties) and their open outbound connections drop once.
   *
   * @default - one per Availability Zone
   */
  readonly natGateways?: number;

  /**
   * Give the private subnets their egress through NAT instances of this type (one per zone, as many as
   * `natGateways`) instead of NAT gateways: a `t4g.nano` costs about $3 a month plus its public address,
   * a NAT gateway $33 plus its address and $0.045 per GB. The trade-offs: an instance carries a few
   * Gbit/s at most (plenty for image pulls and API calls, not for heavy egress), runs Amazon Linux 2023
   * that AWS patches only when the instance is replaced, and if its host fails, a CloudWatch alarm
   * recovers it onto new hardware within minutes, during which its zone has no egress.
   *
   * @default - NAT gateways
   */
  readonly natInstanceType?: ec2.InstanceType;

  /**
   * CIDR of each public subnet, one per Availability Zone in order. Set at creation only.
   *
   * @default - the i-th /24 block of `vpcCidr` for zone i (10.0.0.0/24, 10.0.1.0/24, ...)
   */
  readonly publicSubnetCidrs?: string[];

  /**
   * CIDR of each private subnet, one per Availability Zone in order. Set at creation only.
   *
   * @default - the (10+i)-th /24 block of `vpcCidr` for zone i (10.0.10.0/24, 10.0.11.0/24, ...)
   */
  readonly privateSubnetCidrs?: string[];

  /**
   * Record the VPC's rejected and accepted traffic to a CloudWatch log group.
   *
   * @default true
   */
  readonly flowLogs?: boolean;

  /**
   * How long VPC flow logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
}
