import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, nistAndHipaa } from './private/acknowledge';
import { ExplicitSubnetCidrs } from './private/explicit-subnet-cidrs';
import { planNetwork } from './private/network-plan';

/**
 * How the platform's VPC is laid out. Changing any of these on a deployed platform replaces the VPC or
 * its subnets, and with them the database: set them once, at creation.
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
   * @default - one per Availability Zone
   */
  readonly natGateways?: number;

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

/** Props of {@link PlatformNetwork}. */
export interface PlatformNetworkProps extends PlatformNetworkOptions {
  /**
   * Customer managed key that encrypts the flow log group.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;
}


/**
 * A VPC over several Availability Zones with one public and one private subnet in each, NAT gateways
 * for the private subnets' egress (one route table per private subnet, to the NAT gateway of its zone
 * when there is one), DNS support, a closed default security group and flow logs.
 */
export class PlatformNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;

  /** The flow log's log group, when flow logs are on. */
  public readonly flowLogGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps = {}) {
    super(scope, id);
    const plan = planNetwork(Stack.of(this), props, 'network');

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: new ExplicitSubnetCidrs(plan.vpcCidr, new Map([
        [ec2.SubnetType.PUBLIC, plan.publicSubnetCidrs],
        [ec2.SubnetType.PRIVATE_WITH_EGRESS, plan.privateSubnetCidrs],
      ])),
      availabilityZones: plan.availabilityZones,
      natGateways: plan.natGateways,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      enableDnsHostnames: true,
      enableDnsSupport: true,
      restrictDefaultSecurityGroup: true,
    });
    for (const subnet of this.vpc.publicSubnets) {
      acknowledge(subnet, 'Public subnets hold only the internet-facing load balancer and the NAT gateways,'
        + ' which need a route to the internet gateway; tasks and the database are in private subnets.',
      ...nistAndHipaa('VPCNoUnrestrictedRouteToIGW'));
    }

    if (props.flowLogs ?? true) {
      this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
        retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: props.encryptionKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const flowLog = this.vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      acknowledge(flowLog, 'The inline policy is the least-privilege grant aws-cdk-lib generates for this'
        + ' role alone (write to one log group); a managed policy would add nothing.', ...nistAndHipaa('IAMNoInlinePolicy'));
    } else {
      acknowledge(this.vpc, 'Flow logs were turned off explicitly (network.flowLogs is false).',
        'AwsSolutions-VPC7', ...nistAndHipaa('VPCFlowLogsEnabled'));
    }
  }
}
