// Checks the hasura-blog-prod example against the reference architecture, fact by fact.
import { Template } from 'aws-cdk-lib/assertions';
import { exampleTemplate } from './helpers';
import { containerNamed, environmentOf, ingressRules, onlyResource, secretNamesOf } from '../util';

const template = Template.fromJSON(exampleTemplate('hasura-blog-prod'));
const resources = template.toJSON().Resources as { [id: string]: any };

function ofType(type: string): Array<[string, any]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}
function ref(id: string) {
  return { Ref: id };
}
function groupId(id: string) {
  return { 'Fn::GetAtt': [id, 'GroupId'] };
}
function idOf(type: string, predicate: (r: any) => boolean): string {
  const found = ofType(type).filter(([, r]) => predicate(r));
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}`);
  }
  return found[0][0];
}

const subnets = ofType('AWS::EC2::Subnet').map(([id, r]) => ({
  id,
  cidr: r.Properties.CidrBlock,
  az: r.Properties.AvailabilityZone,
  public: r.Properties.MapPublicIpOnLaunch === undefined ? undefined : r.Properties.MapPublicIpOnLaunch,
}));
const subnetId = (cidr: string) => subnets.find((s) => s.cidr === cidr)!.id;
const loadBalancerGroup = idOf('AWS::EC2::SecurityGroup', (r) => /^Public load balancer/.test(r.Properties.GroupDescription));
const hasuraGroup = idOf('AWS::EC2::SecurityGroup', (r) => /^hasura tasks/.test(r.Properties.GroupDescription));
const nextjsGroup = idOf('AWS::EC2::SecurityGroup', (r) => /^nextjs tasks/.test(r.Properties.GroupDescription));
const databaseGroup = idOf('AWS::EC2::SecurityGroup', (r) => /PostgreSQL/.test(r.Properties.GroupDescription));
const roleHandlerGroup = idOf('AWS::EC2::SecurityGroup', (r) => /^Hasura database role handler/.test(r.Properties.GroupDescription));
const hasuraTargetGroup = idOf('AWS::ElasticLoadBalancingV2::TargetGroup', (r) => r.Properties.Port === 8080);
const nextjsTargetGroup = idOf('AWS::ElasticLoadBalancingV2::TargetGroup', (r) => r.Properties.Port === 3000);

describe('VPC', () => {
  test('10.0.0.0/16 with DNS hostnames and DNS support', () => {
    template.hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true,
    });
  });

  test('public 10.0.0.0/24 + 10.0.1.0/24 and private 10.0.10.0/24 + 10.0.11.0/24 in us-east-1a/b', () => {
    expect(subnets.map((s) => [s.cidr, s.az]).sort()).toEqual([
      ['10.0.0.0/24', 'us-east-1a'],
      ['10.0.1.0/24', 'us-east-1b'],
      ['10.0.10.0/24', 'us-east-1a'],
      ['10.0.11.0/24', 'us-east-1b'],
    ]);
  });

  test('an internet gateway attached to the VPC', () => {
    const [gatewayId] = ofType('AWS::EC2::InternetGateway')[0];
    template.hasResourceProperties('AWS::EC2::VPCGatewayAttachment', { InternetGatewayId: ref(gatewayId) });
  });

  test('two NAT gateways with an Elastic IP each, one in each public subnet', () => {
    const nats = ofType('AWS::EC2::NatGateway').map(([, r]) => r.Properties);
    expect(nats.map((n) => n.SubnetId).sort()).toEqual([ref(subnetId('10.0.0.0/24')), ref(subnetId('10.0.1.0/24'))].sort(
      (a, b) => a.Ref.localeCompare(b.Ref)));
    expect(ofType('AWS::EC2::EIP')).toHaveLength(2);
    for (const nat of nats) {
      expect(nat.AllocationId['Fn::GetAtt'][1]).toBe('AllocationId');
    }
  });

  test('public subnets route to the internet gateway; each private subnet has its own table to the NAT in its zone', () => {
    const tableOf = (subnet: string) => ofType('AWS::EC2::SubnetRouteTableAssociation')
      .find(([, r]) => r.Properties.SubnetId.Ref === subnet)![1].Properties.RouteTableId.Ref;
    const defaultRouteOf = (table: string) => ofType('AWS::EC2::Route')
      .find(([, r]) => r.Properties.RouteTableId.Ref === table && r.Properties.DestinationCidrBlock === '0.0.0.0/0')![1].Properties;
    const [gatewayId] = ofType('AWS::EC2::InternetGateway')[0];
    for (const cidr of ['10.0.0.0/24', '10.0.1.0/24']) {
      expect(defaultRouteOf(tableOf(subnetId(cidr))).GatewayId).toEqual(ref(gatewayId));
    }
    const privateTables = ['10.0.10.0/24', '10.0.11.0/24'].map((cidr) => tableOf(subnetId(cidr)));
    expect(new Set(privateTables).size).toBe(2);
    const natIn = (publicCidr: string) => ofType('AWS::EC2::NatGateway')
      .find(([, r]) => r.Properties.SubnetId.Ref === subnetId(publicCidr))![0];
    expect(defaultRouteOf(privateTables[0]).NatGatewayId).toEqual(ref(natIn('10.0.0.0/24')));
    expect(defaultRouteOf(privateTables[1]).NatGatewayId).toEqual(ref(natIn('10.0.1.0/24')));
  });
});

describe('security groups chain the load balancer to the tasks to the database', () => {
  const rules = ingressRules(template);
  const into = (id: string) => rules.filter((r) => JSON.stringify(r.groupId) === JSON.stringify(groupId(id)))
    .map((r) => ({ from: r.fromPort, to: r.toPort, cidr: r.cidr, source: r.sourceGroupId }));

  test('load balancer: HTTP from anywhere, console 8080 only from the operators\' CIDR', () => {
    expect(into(loadBalancerGroup)).toEqual([
      { from: 80, to: 80, cidr: '0.0.0.0/0', source: undefined },
      { from: 8080, to: 8080, cidr: '203.0.113.0/24', source: undefined },
    ]);
  });

  test('Next.js tasks: 3000 from the load balancer and from the Hasura tasks (Service Connect), nothing else', () => {
    const sources = into(nextjsGroup).sort((a, b) => JSON.stringify(a.source).localeCompare(JSON.stringify(b.source)));
    expect(sources).toEqual([
      { from: 3000, to: 3000, cidr: undefined, source: groupId(loadBalancerGroup) },
      { from: 3000, to: 3000, cidr: undefined, source: groupId(hasuraGroup) },
    ].sort((a, b) => JSON.stringify(a.source).localeCompare(JSON.stringify(b.source))));
  });

  test('Hasura tasks: 8080 from the load balancer and from the Next.js tasks (Service Connect), nothing else', () => {
    const sources = into(hasuraGroup).sort((a, b) => JSON.stringify(a.source).localeCompare(JSON.stringify(b.source)));
    expect(sources).toEqual([
      { from: 8080, to: 8080, cidr: undefined, source: groupId(loadBalancerGroup) },
      { from: 8080, to: 8080, cidr: undefined, source: groupId(nextjsGroup) },
    ].sort((a, b) => JSON.stringify(a.source).localeCompare(JSON.stringify(b.source))));
  });

  test('database: PostgreSQL from the Hasura tasks, and from the handler that keeps Hasura\'s database role in step, only', () => {
    expect(into(databaseGroup)).toEqual([
      { from: 5432, to: 5432, cidr: undefined, source: groupId(roleHandlerGroup) },
      { from: 5432, to: 5432, cidr: undefined, source: groupId(hasuraGroup) },
    ]);
    expect(into(roleHandlerGroup)).toEqual([]);
    expect(onlyResource(template, 'AWS::RDS::DBInstance').Properties.Port).toBe('5432');
  });
});

describe('Application Load Balancer', () => {
  test('internet-facing, in both public subnets, deletion protected once it exists', () => {
    const loadBalancer = onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties;
    expect(loadBalancer.Scheme).toBe('internet-facing');
    expect(loadBalancer.Type).toBe('application');
    expect(loadBalancer.Subnets).toEqual([ref(subnetId('10.0.0.0/24')), ref(subnetId('10.0.1.0/24'))]);
    expect(onlyResource(template, 'Custom::DeletionProtection').Properties.ProtectLoadBalancer).toBe('true');
  });

  test('HTTP :80 forwards to Next.js and sends the GraphQL API and /healthz to Hasura', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, Protocol: 'HTTP', DefaultActions: [{ Type: 'forward', TargetGroupArn: ref(nextjsTargetGroup) }],
    });
    const rule = onlyResource(template, 'AWS::ElasticLoadBalancingV2::ListenerRule').Properties;
    expect(rule.Actions).toEqual([{ Type: 'forward', TargetGroupArn: ref(hasuraTargetGroup) }]);
    expect(rule.Conditions).toEqual([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/v1/graphql', '/v1beta1/relay', '/healthz'] } }]);
  });

  test('console listener :8080 forwards to Hasura', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 8080, Protocol: 'HTTP', DefaultActions: [{ Type: 'forward', TargetGroupArn: ref(hasuraTargetGroup) }],
    });
  });

  test('target groups: HTTP, IP targets, documented ports and health checks, 30 s deregistration delay', () => {
    for (const [id, port, path] of [[nextjsTargetGroup, 3000, '/api/health'], [hasuraTargetGroup, 8080, '/healthz']] as const) {
      const group = resources[id].Properties;
      expect(group).toMatchObject({ Port: port, Protocol: 'HTTP', TargetType: 'ip', HealthCheckPath: path });
      expect(group.TargetGroupAttributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '30' });
    }
  });
});

describe('ECS Fargate', () => {
  test('cluster with Container Insights', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  test.each([['hasura', 8080, hasuraTargetGroup], ['nextjs', 3000, nextjsTargetGroup]] as const)(
    '%s: 2 tasks, 512 CPU, 1024 MiB, awsvpc, port %d, behind its target group', (name, port, targetGroup) => {
      const [taskDefinitionId, taskDefinition] = ofType('AWS::ECS::TaskDefinition')
        .find(([, r]) => r.Properties.ContainerDefinitions[0].Name === name)!;
      expect(taskDefinition.Properties).toMatchObject({ Cpu: '512', Memory: '1024', NetworkMode: 'awsvpc', RequiresCompatibilities: ['FARGATE'] });
      expect(containerNamed(template, name).PortMappings).toEqual([{ ContainerPort: port, Name: name, Protocol: 'tcp' }]);
      const service = ofType('AWS::ECS::Service').find(([, r]) => r.Properties.TaskDefinition.Ref === taskDefinitionId)![1].Properties;
      expect(service.DesiredCount).toBe(2);
      expect(service.LoadBalancers).toEqual([{ ContainerName: name, ContainerPort: port, TargetGroupArn: ref(targetGroup) }]);
      expect(service.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual(
        [ref(subnetId('10.0.10.0/24')), ref(subnetId('10.0.11.0/24'))]);
    });

  test('Hasura gets its database URL, admin secret, JWT secret, console on and dev mode off', () => {
    const hasura = containerNamed(template, 'hasura');
    expect(environmentOf(hasura)).toMatchObject({ HASURA_GRAPHQL_ENABLE_CONSOLE: 'true', HASURA_GRAPHQL_DEV_MODE: 'false' });
    expect(secretNamesOf(hasura)).toEqual(expect.arrayContaining(['HASURA_GRAPHQL_ADMIN_SECRET', 'HASURA_GRAPHQL_JWT_SECRET']));
    // The database URL is assembled at start from injected credentials, never stored.
    expect(hasura.EntryPoint[2]).toContain('export HASURA_GRAPHQL_DATABASE_URL');
  });

  test('Next.js gets NEXT_PUBLIC_HASURA_GRAPHQL_URL, HASURA_GRAPHQL_ADMIN_SECRET, HASURA_WEBHOOK_SECRET, NEXTAUTH_SECRET, NEXTAUTH_URL, JWT_SECRET', () => {
    const nextjs = containerNamed(template, 'nextjs');
    expect(Object.keys(environmentOf(nextjs))).toEqual(expect.arrayContaining(['NEXT_PUBLIC_HASURA_GRAPHQL_URL', 'NEXTAUTH_URL']));
    expect(secretNamesOf(nextjs)).toEqual(['HASURA_GRAPHQL_ADMIN_SECRET', 'HASURA_WEBHOOK_SECRET', 'JWT_SECRET', 'NEXTAUTH_SECRET']);
  });

  test('execution roles may read the injected secrets; tasks have their own roles', () => {
    for (const taskDefinition of ofType('AWS::ECS::TaskDefinition').map(([, r]) => r.Properties)) {
      expect(taskDefinition.ExecutionRoleArn).toBeDefined();
      expect(taskDefinition.TaskRoleArn).toBeDefined();
      expect(taskDefinition.TaskRoleArn).not.toEqual(taskDefinition.ExecutionRoleArn);
    }
    const policies = JSON.stringify(ofType('AWS::IAM::Policy'));
    expect(policies).toContain('secretsmanager:GetSecretValue');
    expect(policies).toContain('logs:PutLogEvents');
  });

  test('log groups /ecs/hasura-blog-prod/{hasura,nextjs} kept 7 days', () => {
    for (const name of ['hasura', 'nextjs']) {
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/ecs/hasura-blog-prod/${name}`, RetentionInDays: 7 });
    }
  });
});

describe('RDS PostgreSQL', () => {
  const database = onlyResource(template, 'AWS::RDS::DBInstance');

  test('PostgreSQL 15 on db.t3.micro, 20 GiB gp3 autoscaling to 40 GiB, encrypted, single-AZ, private', () => {
    expect(database.Properties).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '15.17',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: '20',
      MaxAllocatedStorage: 40,
      StorageType: 'gp3',
      StorageEncrypted: true,
      MultiAZ: false,
      PubliclyAccessible: false,
    });
  });

  test('7-day backups 03:00-04:00 UTC, maintenance Monday 04:00-05:00 UTC', () => {
    expect(database.Properties).toMatchObject({
      BackupRetentionPeriod: 7,
      PreferredBackupWindow: '03:00-04:00',
      PreferredMaintenanceWindow: 'mon:04:00-mon:05:00',
    });
  });

  test('exports postgresql and upgrade logs to CloudWatch', () => {
    expect(database.Properties.EnableCloudwatchLogsExports).toEqual(['postgresql', 'upgrade']);
  });

  test('in the private subnets, snapshotted on delete', () => {
    const subnetGroup = onlyResource(template, 'AWS::RDS::DBSubnetGroup').Properties;
    expect(subnetGroup.SubnetIds).toEqual([ref(subnetId('10.0.10.0/24')), ref(subnetId('10.0.11.0/24'))]);
    expect(database.DeletionPolicy).toBe('Snapshot');
    expect(database.UpdateReplacePolicy).toBe('Snapshot');
  });
});
