import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ExplicitSubnetCidrs } from './explicit-subnet-cidrs';
import { PlatformNetworkOptions } from './network-options';
import { planNetwork } from './network-plan';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';

/** Props of `PlatformNetwork`. */
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

  /** The NAT instances, when `natInstanceType` is set. */
  public readonly natInstances: ec2.Instance[];

  constructor(scope: Construct, id: string, props: PlatformNetworkProps = {}) {
    super(scope, id);
    const plan = planNetwork(Stack.of(this), props, 'network');
    const natInstanceProvider = props.natInstanceType ? natInstances(props.natInstanceType) : undefined;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: new ExplicitSubnetCidrs(plan.vpcCidr, new Map([
        [ec2.SubnetType.PUBLIC, plan.publicSubnetCidrs],
        [ec2.SubnetType.PRIVATE_WITH_EGRESS, plan.privateSubnetCidrs],
      ])),
      availabilityZones: plan.availabilityZones,
      natGateways: plan.natGateways,
      natGatewayProvider: natInstanceProvider,
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

    this.natInstances = natInstanceProvider ? this.secureNatInstances(natInstanceProvider, plan.privateSubnetCidrs) : [];

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

  /**
   * NAT instances admit traffic only from the VPC, require IMDSv2, encrypt their root volume, and are
   * recovered onto new hardware when their host fails.
   */
  private secureNatInstances(provider: ec2.NatInstanceProviderV2, privateSubnetCidrs: string[]): ec2.Instance[] {
    for (const cidr of privateSubnetCidrs) {
      provider.connections.allowFrom(ec2.Peer.ipv4(cidr), ec2.Port.allTraffic(), `Egress of the private subnet ${cidr}`);
    }
    acknowledge(provider.securityGroup, 'A NAT instance forwards whatever the private subnets send, on every port, so it'
      + ' admits all traffic from the private subnets\' own ranges (and nothing else); it runs no SSH server.',
    'AwsSolutions-EC23', ...nistAndHipaa('EC2RestrictedCommonPorts'), ...nistAndHipaa('EC2RestrictedSSH'));
    return provider.gatewayInstances.map((instance, index) => {
      const cfnInstance = instance.instance;
      const metadata = new ec2.CfnLaunchTemplate(this, `NatMetadataOptions${index + 1}`, {
        launchTemplateData: { metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1 } },
      });
      cfnInstance.launchTemplate = { launchTemplateId: metadata.ref, version: metadata.attrLatestVersionNumber };
      cfnInstance.blockDeviceMappings = [{ deviceName: '/dev/xvda', ebs: { encrypted: true, volumeType: 'gp3', volumeSize: NAT_ROOT_VOLUME_GIB } }];
      new cloudwatch.Alarm(this, `NatRecovery${index + 1}`, {
        metric: new cloudwatch.Metric({
          namespace: 'AWS/EC2',
          metricName: 'StatusCheckFailed_System',
          statistic: 'Maximum',
          period: Duration.minutes(1),
          dimensionsMap: { InstanceId: instance.instanceId },
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        alarmDescription: 'The NAT instance\'s host failed its system status check: EC2 recovers the instance onto new hardware.',
      }).addAlarmAction(new cloudwatchActions.Ec2Action(cloudwatchActions.Ec2InstanceAction.RECOVER));
      acknowledgeNatInstance(instance);
      return instance;
    });
  }
}

/** Root volume of a NAT instance, in GiB: Amazon Linux 2023's own size. */
export const NAT_ROOT_VOLUME_GIB = 8;

/** NAT instances of `instanceType` on Amazon Linux 2023 (resolved at deploy time), with standard CPU credits. */
function natInstances(instanceType: ec2.InstanceType): ec2.NatInstanceProviderV2 {
  return ec2.NatProvider.instanceV2({
    instanceType,
    machineImage: ec2.MachineImage.latestAmazonLinux2023({
      cpuType: instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
    }),
    associatePublicIpAddress: true,
    // Only the rule added once the VPC exists: traffic from the VPC's own range.
    defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
    // A busy NAT instance is throttled to its baseline rather than billed for surplus credits.
    creditSpecification: ec2.CpuCredits.STANDARD,
    // The instance forwards packets and is never logged into: no SSH server listens.
    userData: ec2.UserData.custom(['#!/bin/bash', ...ec2.NatInstanceProviderV2.DEFAULT_USER_DATA_COMMANDS,
      'systemctl disable --now sshd'].join('\n')),
  });
}

/** What a NAT instance does on purpose that the rule packs flag. */
function acknowledgeNatInstance(instance: ec2.Instance): void {
  acknowledge(instance, 'A NAT instance forwards the private subnets\' egress to the internet: it needs a public address'
    + ' and a route through the internet gateway, and holds no data of its own.', ...nistAndHipaa('EC2InstanceNoPublicIp'));
  acknowledge(instance, 'The instance is in a public subnet of the platform\'s VPC through its network interface, which'
    + ' names the subnet; the rule reads only an instance-level SubnetId.', ...nistAndHipaa('EC2InstancesInVPC'));
  acknowledge(instance, 'A NAT instance is replaced rather than kept: a system status alarm recovers it onto new hardware,'
    + ' and termination protection would only block that and stack updates.', 'AwsSolutions-EC29');
  acknowledge(instance, 'Basic monitoring at five minutes is enough for a NAT instance; the recovery alarm reads its'
    + ' one-minute status checks, which are free.', 'AwsSolutions-EC28', ...nistAndHipaa('EC2InstanceDetailedMonitoringEnabled'));
}
