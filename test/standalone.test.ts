// Each building block works on its own, outside HasuraNextjsPlatform.
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  HasuraService, NextjsService, PlatformDatabase, PlatformLoadBalancer, PlatformNetwork,
} from '../src';
import { containerNamed, environmentOf, NEXTJS_IMAGE, onlyResource, testStack } from './util';

describe('PlatformNetwork', () => {
  test('lays out the reference subnets by default, with flow logs and a closed default security group', () => {
    const stack = testStack();
    const network = new PlatformNetwork(stack, 'Network');
    const template = Template.fromStack(stack);
    const cidrs = Object.values(template.findResources('AWS::EC2::Subnet')).map((s) => s.Properties.CidrBlock).sort();
    expect(cidrs).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.10.0/24', '10.0.11.0/24']);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    expect(network.flowLogGroup).toBeDefined();
  });

  test('takes explicit CIDRs over three zones, one NAT gateway, no flow logs', () => {
    const stack = testStack();
    new PlatformNetwork(stack, 'Network', {
      vpcCidr: '172.20.0.0/16',
      maxAzs: 3,
      natGateways: 1,
      publicSubnetCidrs: ['172.20.0.0/26', '172.20.0.64/26', '172.20.0.128/26'],
      privateSubnetCidrs: ['172.20.16.0/20', '172.20.32.0/20', '172.20.48.0/20'],
      flowLogs: false,
    });
    const template = Template.fromStack(stack);
    const cidrs = Object.values(template.findResources('AWS::EC2::Subnet')).map((s) => s.Properties.CidrBlock).sort();
    expect(cidrs).toEqual(['172.20.0.0/26', '172.20.0.128/26', '172.20.0.64/26', '172.20.16.0/20', '172.20.32.0/20', '172.20.48.0/20']);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
  });

  test('validates its props with their own names', () => {
    expect(() => new PlatformNetwork(testStack(), 'Network', { natGateways: 5 })).toThrow(/^Invalid network\.natGateways: 5\./);
  });
});

describe('PlatformDatabase', () => {
  test('runs in any VPC and admits only the peers it is told to', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const database = new PlatformDatabase(stack, 'Database', { vpc, databaseName: 'app' });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
    database.allowConnectionsFrom(client);
    const template = Template.fromStack(stack);
    expect(onlyResource(template, 'AWS::RDS::DBInstance').Properties).toMatchObject({ DBName: 'app', StorageEncrypted: true });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: stack.resolve(client.securityGroupId),
    });
    expect(database.secret).toBeDefined();
  });
});

describe('PlatformLoadBalancer', () => {
  test('checks its domain on its own, not only inside the platform', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    expect(() => new PlatformLoadBalancer(stack, 'Ingress', { vpc, domain: { domainName: 'blog.example.org', hostedZone } }))
      .toThrow(/^Invalid domain\.domainName: "blog\.example\.org"\. It must be in the hosted zone example\.com\./);
  });
});

describe('HasuraService and NextjsService with PlatformLoadBalancer', () => {
  const stack = testStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const database = new PlatformDatabase(stack, 'Database', { vpc });
  const ingress = new PlatformLoadBalancer(stack, 'Ingress', { vpc, deletionProtection: false });
  const hasura = new HasuraService(stack, 'Hasura', { cluster, database });
  const nextjs = new NextjsService(stack, 'Nextjs', { cluster, image: NEXTJS_IMAGE, containerPort: 8081, healthCheckPath: '/api/health' });
  ingress.addNextjsService(nextjs);
  ingress.addHasuraService(hasura);
  const template = Template.fromStack(stack);

  test('Hasura alone disables CORS instead of allowing every origin', () => {
    expect(environmentOf(containerNamed(template, 'hasura'))).toMatchObject({ HASURA_GRAPHQL_DISABLE_CORS: 'true' });
    expect(environmentOf(containerNamed(template, 'hasura'))).not.toHaveProperty('HASURA_GRAPHQL_CORS_DOMAIN');
  });

  test('Next.js alone gets no NEXTAUTH_URL, and listens on the port it is given', () => {
    const environment = environmentOf(containerNamed(template, 'nextjs'));
    expect(environment).not.toHaveProperty('NEXTAUTH_URL');
    expect(environment.PORT).toBe('8081');
  });

  test('the load balancer routes to both, health-checking the given path', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8081, HealthCheckPath: '/api/health' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPath: '/healthz' });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
  });

  test('the database admits the Hasura tasks and the handler of Hasura\'s database role only', () => {
    const ingressRules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => JSON.stringify(r.Properties.GroupId) === JSON.stringify(stack.resolve(database.securityGroup.securityGroupId)));
    expect(ingressRules.map((r) => r.Properties.SourceSecurityGroupId)).toEqual([
      stack.resolve(hasura.databaseRole.securityGroup.securityGroupId), stack.resolve(hasura.securityGroup.securityGroupId),
    ]);
  });
});
