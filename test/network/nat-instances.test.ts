// NAT instances instead of NAT gateways (`network.natInstanceType`): one per zone, private, patched at
// replacement, recovered when their host fails, and reachable only from the VPC.
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ingressRules, synthPlatform } from '../util';

const { template } = synthPlatform({
  network: { natInstanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO) },
});
const resources = Object.entries<any>(template.toJSON().Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const instances = ofType('AWS::EC2::Instance');

test('one NAT instance per zone and no NAT gateway', () => {
  expect(ofType('AWS::EC2::NatGateway')).toEqual([]);
  expect(instances).toHaveLength(2);
  const subnets = new Set(instances.map(([, r]) => JSON.stringify(r.Properties.NetworkInterfaces[0].SubnetId)));
  expect(subnets.size).toBe(2);
});

test('each private subnet routes its egress through the NAT instance of its own zone', () => {
  const defaultRoutes = ofType('AWS::EC2::Route').filter(([, r]) => r.Properties.InstanceId !== undefined);
  expect(defaultRoutes).toHaveLength(2);
  expect(new Set(defaultRoutes.map(([, r]) => JSON.stringify(r.Properties.InstanceId))).size).toBe(2);
  for (const [, route] of defaultRoutes) {
    expect(route.Properties.DestinationCidrBlock).toBe('0.0.0.0/0');
  }
});

test('the instances forward traffic, run Amazon Linux 2023 for their architecture, and never bill surplus CPU credits', () => {
  for (const [, instance] of instances) {
    expect(instance.Properties).toMatchObject({ InstanceType: 't4g.nano', SourceDestCheck: false, CreditSpecification: { CPUCredits: 'standard' } });
    // The newest Amazon Linux 2023 for arm64, resolved from AWS's public SSM parameter at deploy time.
    const parameter = template.toJSON().Parameters[instance.Properties.ImageId.Ref];
    expect(parameter).toMatchObject({ Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' });
    expect(parameter.Default).toMatch(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-.*-arm64$/);
    expect(instance.Properties.NetworkInterfaces[0].AssociatePublicIpAddress).toBe(true);
  }
});

test('the instances require IMDSv2 and encrypt their root volume', () => {
  for (const [, instance] of instances) {
    const launchTemplate = template.toJSON().Resources[instance.Properties.LaunchTemplate.LaunchTemplateId.Ref];
    expect(launchTemplate.Properties.LaunchTemplateData.MetadataOptions).toMatchObject({ HttpTokens: 'required' });
    expect(instance.Properties.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 8 } },
    ]);
  }
});

test('the instances admit traffic only from the private subnets, and run no SSH server', () => {
  const groups = new Set(instances.flatMap(([, r]) => r.Properties.NetworkInterfaces[0].GroupSet.map((g: unknown) => JSON.stringify(g))));
  const rules = ingressRules(Template.fromJSON(template.toJSON())).filter((rule) => groups.has(JSON.stringify(rule.groupId)));
  const privateSubnets = ofType('AWS::EC2::Subnet').filter(([, r]) => r.Properties.MapPublicIpOnLaunch === false
    && JSON.stringify(r.Metadata ?? r.Properties.Tags).includes('Private')).map(([, r]) => r.Properties.CidrBlock);
  expect(privateSubnets).toHaveLength(2);
  expect(rules.map((rule) => rule.cidr).sort()).toEqual(privateSubnets.sort());
  for (const [, instance] of instances) {
    expect(JSON.stringify(instance.Properties.UserData)).toContain('systemctl disable --now sshd');
  }
});

test('a failed host is recovered by an alarm on the system status check', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, r]) => r.Properties.MetricName === 'StatusCheckFailed_System');
  expect(alarms).toHaveLength(2);
  for (const [, alarm] of alarms) {
    expect(JSON.stringify(alarm.Properties.AlarmActions)).toContain(':ec2:recover');
    expect(alarm.Properties.Dimensions[0].Name).toBe('InstanceId');
  }
});
