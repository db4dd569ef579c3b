import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ExplicitSubnetCidrs } from './explicit-subnet-cidrs';
import { PlatformNetworkOptions } from './network-options';
import { planNetwork } from './network-plan';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';

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
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
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
