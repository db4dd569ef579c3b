// The running system, not only the topology: Next.js reaches Hasura inside the VPC, Hasura's pools fit
// the database, autoscaling survives deploys, connections close in the right order, tasks stop
// gracefully, and a failed first deploy can be retried.
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { HasuraService, NextjsService, PlatformDatabase, PlatformLoadBalancer } from '../src';
import { examplePlatformTemplates, exampleTemplate } from './examples/helpers';
import { containerNamed, environmentOf, groupIdOf, ingressRules, NEXTJS_IMAGE, onlyResource, synthPlatform, testStack } from './util';

const MAX_POOL_SIZE = 50;
const RESERVED = 8;

/** The ECS service whose task definition runs the container `name`. */
function serviceRunning(template: { [key: string]: any }, name: string): [string, any] {
  const resources = Object.entries<any>(template.Resources);
  const taskDefinition = resources.find(([, r]) => r.Type === 'AWS::ECS::TaskDefinition'
    && r.Properties.ContainerDefinitions.some((c: any) => c.Name === name))![0];
  return resources.find(([, r]) => r.Type === 'AWS::ECS::Service' && r.Properties.TaskDefinition.Ref === taskDefinition)!;
}

/** The most tasks of a service outside a deploy: its scaling maximum, or its fixed count. */
function steadyTasks(template: { [key: string]: any }, serviceId: string): number {
  const target = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget'
    && JSON.stringify(r.Properties.ResourceId).includes(serviceId));
  return target ? target.Properties.MaxCapacity : template.Resources[serviceId].Properties.DesiredCount;
}

function envOf(template: { [key: string]: any }, name: string): { [name: string]: any } {
  const taskDefinition = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition'
    && r.Properties.ContainerDefinitions.some((c: any) => c.Name === name));
  return environmentOf(taskDefinition.Properties.ContainerDefinitions.find((c: any) => c.Name === name));
}

describe.each(examplePlatformTemplates())('example %s at runtime', (_label, template) => {
  const resources = Object.values<any>(template.Resources);
  const [hasuraServiceId, hasuraService] = serviceRunning(template, 'hasura');
  const [nextjsServiceId, nextjsService] = serviceRunning(template, 'nextjs');

  test('Next.js server code gets an internal Hasura URL that does not go through the load balancer', () => {
    const internal = envOf(template, 'nextjs').HASURA_GRAPHQL_INTERNAL_URL;
    expect(internal).toBe('http://hasura:8080/v1/graphql');
    const alias = hasuraService.Properties.ServiceConnectConfiguration.Services[0].ClientAliases[0];
    expect(internal).toBe(`http://${alias.DnsName}:${alias.Port}/v1/graphql`);
    expect(nextjsService.Properties.ServiceConnectConfiguration.Namespace)
      .toEqual(hasuraService.Properties.ServiceConnectConfiguration.Namespace);
    // Browsers keep the public URL, which is inlined at build time.
    expect(JSON.stringify(envOf(template, 'nextjs').NEXT_PUBLIC_HASURA_GRAPHQL_URL)).toMatch(/LoadBalancer|https:\/\//);
  });

  test('Hasura admits its port from the Next.js tasks', () => {
    const hasuraGroup = hasuraService.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0];
    const nextjsGroup = nextjsService.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0];
    const fromNextjs = resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress'
      && JSON.stringify(r.Properties.GroupId) === JSON.stringify(hasuraGroup)
      && JSON.stringify(r.Properties.SourceSecurityGroupId) === JSON.stringify(nextjsGroup));
    expect(fromNextjs.map((r) => [r.Properties.FromPort, r.Properties.ToPort])).toEqual([[8080, 8080]]);
  });

  test('Next.js keeps idle connections open longer than the load balancer', () => {
    const attributes = onlyResource({
      findResources: (type: string) => Object.fromEntries(Object.entries<any>(template.Resources)
        .filter(([, r]) => r.Type === type)),
    } as any, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties.LoadBalancerAttributes;
    const idleSeconds = Number(attributes.find((a: any) => a.Key === 'idle_timeout.timeout_seconds').Value);
    expect(Number(envOf(template, 'nextjs').KEEP_ALIVE_TIMEOUT)).toBeGreaterThan(idleSeconds * 1000);
    // Hasura closes idle connections after 30 s and cannot be told otherwise: the load balancer closes first.
    expect(idleSeconds).toBeLessThan(30);
  });

  test('every Hasura task at the peak, with both pools full, fits max_connections less the reserve', () => {
    const parameters = resources.find((r) => r.Type === 'AWS::RDS::DBParameterGroup').Properties.Parameters;
    const maxConnections = Number(parameters.max_connections);
    const pool = Number(envOf(template, 'hasura').HASURA_GRAPHQL_PG_CONNECTIONS);
    const steady = steadyTasks(template, hasuraServiceId);
    const peak = Math.max(steady * hasuraService.Properties.DeploymentConfiguration.MaximumPercent / 100, steady + 1);
    expect(pool).toBeGreaterThanOrEqual(2);
    expect(peak * 2 * pool + RESERVED).toBeLessThanOrEqual(maxConnections);
  });

  test('Hasura may stop for longer than its graceful shutdown, within what Fargate allows', () => {
    const graceful = Number(envOf(template, 'hasura').HASURA_GRAPHQL_GRACEFUL_SHUTDOWN_TIMEOUT);
    const hasura = resources.filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
      .flatMap((r) => r.Properties.ContainerDefinitions).find((c: any) => c.Name === 'hasura');
    expect(graceful).toBe(60);
    expect(hasura.StopTimeout).toBeGreaterThan(graceful);
    expect(hasura.StopTimeout).toBeLessThanOrEqual(120);
  });

  test('named log groups are retained, except when the deploy that created them rolls back', () => {
    const named = resources.filter((r) => r.Type === 'AWS::Logs::LogGroup' && r.Properties.LogGroupName !== undefined);
    expect(named.length).toBeGreaterThanOrEqual(2);
    for (const group of named) {
      expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');
    }
  });

  test('a scaled service has no DesiredCount for a deploy to reset', () => {
    for (const id of [hasuraServiceId, nextjsServiceId]) {
      const scaled = resources.some((r) => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget'
        && JSON.stringify(r.Properties.ResourceId).includes(id));
      expect(template.Resources[id].Properties.DesiredCount === undefined).toBe(scaled);
    }
  });
});

describe('hasura-blog-https scales both services on Graviton', () => {
  const template = exampleTemplate('hasura-blog-https');
  const targets = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget');
  const policies = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::ApplicationAutoScaling::ScalingPolicy');

  test('target tracking on CPU and memory for both, and on requests per task for Next.js', () => {
    expect(targets.map((t) => [t.Properties.MinCapacity, t.Properties.MaxCapacity]).sort()).toEqual([[2, 4], [2, 8]]);
    const metrics = policies
      .map((p) => p.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType).sort();
    expect(metrics).toEqual(['ALBRequestCountPerTarget', 'ECSServiceAverageCPUUtilization', 'ECSServiceAverageCPUUtilization',
      'ECSServiceAverageMemoryUtilization', 'ECSServiceAverageMemoryUtilization']);
  });

  test('both task definitions run on ARM64', () => {
    for (const taskDefinition of Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition')) {
      expect(taskDefinition.Properties.RuntimePlatform.CpuArchitecture).toBe('ARM64');
    }
  });
});

describe('defaults', () => {
  const { stack, platform, template } = synthPlatform();

  test('an HTTP Cloud Map namespace named after the platform carries Service Connect', () => {
    template.hasResourceProperties('AWS::ServiceDiscovery::HttpNamespace', { Name: `${platform.platformName}.internal` });
    template.resourceCountIs('AWS::Route53::HostedZone', 0);
    const namespaceArn = stack.resolve(platform.cluster.defaultCloudMapNamespace!.namespaceArn);
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: {
        Enabled: true,
        Namespace: namespaceArn,
        Services: [{ PortName: 'hasura', DiscoveryName: 'hasura', ClientAliases: [{ DnsName: 'hasura', Port: 8080 }] }],
      },
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: {
        Enabled: true,
        Namespace: namespaceArn,
        Services: [{ PortName: 'nextjs', DiscoveryName: 'nextjs', ClientAliases: [{ DnsName: 'nextjs', Port: 3000 }] }],
      },
    });
    expect(platform.hasura.internalGraphqlUrl).toBe('http://hasura:8080/v1/graphql');
    expect(platform.nextjs.internalUrl).toBe('http://nextjs:3000');
  });

  test('Next.js starts after Hasura, whose Service Connect endpoint it resolves', () => {
    const nextjsService = template.toJSON().Resources[stack.getLogicalId(platform.nextjs.service.node.defaultChild as ecs.CfnService)];
    expect(nextjsService.DependsOn).toContain(stack.getLogicalId(platform.hasura.service.node.defaultChild as ecs.CfnService));
  });

  test('only the Next.js tasks and the load balancer reach Hasura', () => {
    const intoHasura = ingressRules(template)
      .filter((r) => JSON.stringify(r.groupId) === JSON.stringify(groupIdOf(stack, platform.hasura.securityGroup)));
    const sources = intoHasura.map((r) => JSON.stringify(r.sourceGroupId)).sort();
    expect(sources).toEqual([
      groupIdOf(stack, platform.ingress.securityGroup), groupIdOf(stack, platform.nextjs.securityGroup),
    ].map((id) => JSON.stringify(id)).sort());
    expect(intoHasura.every((r) => r.fromPort === 8080 && r.toPort === 8080 && r.cidr === undefined)).toBe(true);
  });

  test('db.t3.micro gets max_connections 84 and each of 2 Hasura tasks a pool of 9', () => {
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { 'max_connections': '84', 'rds.force_ssl': '1' } });
    expect(platform.database.maxConnections).toBe(84);
    expect(platform.hasura.connectionBudget).toEqual({
      maxConnections: 84,
      reservedConnections: RESERVED,
      peakTasks: 4,
      poolSize: 9,
      peakConnections: 72,
      clients: [{ name: 'hasura', peakTasks: 4, poolsPerTask: 2 }],
    });
    expect(platform.connectionBudget).toBe(platform.hasura.connectionBudget);
    expect(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_PG_CONNECTIONS).toBe('9');
  });

  test('the load balancer closes idle connections after 25 s; Next.js keeps them 30 s', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '25' }]),
    });
    expect(environmentOf(containerNamed(template, 'nextjs')).KEEP_ALIVE_TIMEOUT).toBe('30000');
  });

  test('stop timeouts: Hasura 90 s (graceful shutdown 60 s), Next.js 30 s; 60 s health-check grace', () => {
    expect(containerNamed(template, 'hasura').StopTimeout).toBe(90);
    expect(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_GRACEFUL_SHUTDOWN_TIMEOUT).toBe('60');
    expect(containerNamed(template, 'nextjs').StopTimeout).toBe(30);
    for (const service of Object.values(template.findResources('AWS::ECS::Service'))) {
      expect(service.Properties.HealthCheckGracePeriodSeconds).toBe(60);
      expect(service.Properties.DesiredCount).toBe(2);
    }
  });

  test('Hasura checks its own /healthz with curl; Next.js has no container check unless asked', () => {
    expect(containerNamed(template, 'hasura').HealthCheck).toEqual({
      Command: ['CMD-SHELL', 'curl -fsS http://localhost:8080/healthz || exit 1'],
      Interval: 15,
      Timeout: 5,
      Retries: 3,
      StartPeriod: 30,
    });
    expect(containerNamed(template, 'nextjs').HealthCheck).toBeUndefined();
  });

  test('tasks run on X86_64 and on demand', () => {
    for (const taskDefinition of Object.values(template.findResources('AWS::ECS::TaskDefinition'))) {
      expect(taskDefinition.Properties.RuntimePlatform.CpuArchitecture).toBe('X86_64');
    }
    for (const service of Object.values(template.findResources('AWS::ECS::Service'))) {
      expect(service.Properties.CapacityProviderStrategy).toBeUndefined();
      expect(service.Properties.LaunchType).toBe('FARGATE');
    }
  });
});

describe('options', () => {
  test('autoscaling leaves DesiredCount out and tracks CPU, memory and requests with the cooldowns given', () => {
    const { template } = synthPlatform({
      nextjs: {
        image: NEXTJS_IMAGE,
        autoScaling: {
          minTasks: 3,
          maxTasks: 9,
          cpuTargetPercent: 50,
          memoryTargetPercent: 70,
          requestsPerTarget: 600,
          scaleInCooldown: Duration.minutes(10),
        },
      },
    });
    const services = Object.values(template.findResources('AWS::ECS::Service'));
    expect(services.map((s) => s.Properties.DesiredCount).sort()).toEqual([2, undefined]);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 9 });
    const expected = [['ECSServiceAverageCPUUtilization', 50], ['ECSServiceAverageMemoryUtilization', 70], ['ALBRequestCountPerTarget', 600]];
    for (const [metric, target] of expected) {
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        TargetTrackingScalingPolicyConfiguration: {
          PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: metric }),
          TargetValue: target,
          ScaleInCooldown: 600,
          ScaleOutCooldown: 60,
        },
      });
    }
  });

  test('Hasura autoscaling sizes the pool for twice its maximum', () => {
    const { platform, template } = synthPlatform({
      hasura: { autoScaling: { minTasks: 2, maxTasks: 4 } },
      database: { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL) },
    });
    expect(platform.hasura.connectionBudget).toMatchObject({ maxConnections: 168, peakTasks: 8, poolSize: 10 });
    expect(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_PG_CONNECTIONS).toBe('10');
  });

  test('a large database caps the pool at Hasura\'s own default of 50', () => {
    const { platform } = synthPlatform({ database: { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.XLARGE) } });
    expect(platform.database.maxConnections).toBe(2703);
    expect(platform.hasura.connectionBudget.poolSize).toBe(MAX_POOL_SIZE);
  });

  test('an explicit max_connections and pool size are used as given', () => {
    const { platform, template } = synthPlatform({ database: { maxConnections: 200 }, hasura: { connectionPoolSize: 20 } });
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { max_connections: '200' } });
    expect(platform.hasura.connectionBudget.poolSize).toBe(20);
  });

  test('ARM64 and Fargate Spot', () => {
    const { template } = synthPlatform({
      hasura: { cpuArchitecture: ecs.CpuArchitecture.ARM64 },
      nextjs: { image: NEXTJS_IMAGE, fargateSpot: true },
    });
    expect(Object.values(template.findResources('AWS::ECS::TaskDefinition'))
      .map((t) => t.Properties.RuntimePlatform.CpuArchitecture).sort()).toEqual(['ARM64', 'X86_64']);
    template.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE', Base: 1, Weight: 0 },
        { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
      ],
    });
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: Match.arrayWith(['FARGATE', 'FARGATE_SPOT']),
    });
  });

  test('Next.js can check its own health with node', () => {
    const { template } = synthPlatform({ nextjs: { image: NEXTJS_IMAGE, containerHealthCheck: true, healthCheckPath: '/api/health' } });
    const check = containerNamed(template, 'nextjs').HealthCheck;
    expect(check.Command.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(check.Command[3]).toContain('path:"/api/health"');
    expect(check.Command[3]).toContain('port:3000');
  });

  test('an idle timeout above Hasura\'s own idle close is warned about', () => {
    const { stack } = synthPlatform({ loadBalancer: { idleTimeout: Duration.seconds(60) } });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('Hasura closes idle connections after 30 seconds'));
  });
});

describe('invalid runtime settings fail at synth, naming the prop', () => {
  const image = NEXTJS_IMAGE;
  test.each([
    ['a pool that does not fit', () => synthPlatform({ hasura: { connectionPoolSize: 40 } }),
      /Invalid hasura\.connectionPoolSize: 40\. 4 tasks at the peak \(hasura\.desiredCount 2, twice that during a deploy\) x 2 pools per task must fit max_connections 84 less 8 reserved, which allows at most 9 per pool/],
    ['more Hasura tasks than the database carries', () => synthPlatform({ hasura: { autoScaling: { minTasks: 2, maxTasks: 10 } } }),
      /Invalid hasura\.autoScaling\.maxTasks: 10\. 20 tasks at the peak .* leaves 1 connections per pool and Hasura needs at least 2: .*database\.instanceType or database\.maxConnections/],
    ['an instance class of unknown memory', () => synthPlatform({ database: { instanceType: new ec2.InstanceType('x2g.large') } }),
      /Invalid database\.instanceType: "x2g\.large"\. The platform does not know the memory of this class, so it cannot size max_connections: set database\.maxConnections/],
    ['max_connections out of range', () => synthPlatform({ database: { maxConnections: 5 } }),
      /Invalid database\.maxConnections: 5\. Use a whole number from 10 to 5000\./],
    ['desiredCount beside autoScaling', () => synthPlatform({ nextjs: { image, desiredCount: 2, autoScaling: { minTasks: 1, maxTasks: 2 } } }),
      /Invalid nextjs\.desiredCount: 2\. With nextjs\.autoScaling set, the task count is scaled between minTasks and maxTasks: remove desiredCount\./],
    ['a maximum below the minimum', () => synthPlatform({ nextjs: { image, autoScaling: { minTasks: 4, maxTasks: 2 } } }),
      /Invalid nextjs\.autoScaling\.maxTasks: 2\. It must be at least nextjs\.autoScaling\.minTasks \(4\)\./],
    ['a CPU target of 100%', () => synthPlatform({ hasura: { autoScaling: { minTasks: 1, maxTasks: 2, cpuTargetPercent: 100 } } }),
      /Invalid hasura\.autoScaling\.cpuTargetPercent: 100\. Use a whole number from 10 to 90\./],
    ['a Hasura stop timeout within its graceful shutdown', () => synthPlatform({ hasura: { stopTimeout: Duration.seconds(60) } }),
      /Invalid hasura\.stopTimeout: "1 minute"\. Hasura's graceful shutdown takes up to 60 seconds: use more than that, at most 120 seconds\./],
    ['a stop timeout beyond Fargate\'s limit', () => synthPlatform({ nextjs: { image, stopTimeout: Duration.minutes(3) } }),
      /Invalid nextjs\.stopTimeout: "3 minutes"\. Use a whole number of seconds from 2 to 120\./],
    ['Fargate Spot on ARM64', () => synthPlatform({ nextjs: { image, fargateSpot: true, cpuArchitecture: ecs.CpuArchitecture.ARM64 } }),
      /Invalid nextjs\.fargateSpot: true\. Fargate Spot runs only X86_64 tasks, and nextjs\.cpuArchitecture is ARM64/],
    ['an idle timeout over 4000 s', () => synthPlatform({ loadBalancer: { idleTimeout: Duration.minutes(70) } }),
      /Invalid loadBalancer\.idleTimeout: "1 hour 10 minutes"\. Use a whole number of seconds from 1 to 4000\./],
  ])('%s', (_name, synth, message) => {
    expect(synth).toThrow(message);
  });

  test('a stand-alone Next.js service pointed at a Hasura service without Service Connect', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const hasura = new HasuraService(stack, 'Hasura', { cluster, database: new PlatformDatabase(stack, 'Database', { vpc }) });
    expect(hasura.internalGraphqlUrl).toBeUndefined();
    expect(() => new NextjsService(stack, 'Web', { cluster, image: NEXTJS_IMAGE, hasura }))
      .toThrow(/Invalid nextjs\.hasura: "Test\/Hasura"\. That Hasura service joined no Service Connect namespace/);
  });

  test('a stand-alone Next.js service whose keep-alive does not outlast the load balancer', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const web = new NextjsService(stack, 'Web', { cluster, image: NEXTJS_IMAGE, keepAliveTimeout: Duration.seconds(25) });
    const ingress = new PlatformLoadBalancer(stack, 'Ingress', { vpc, deletionProtection: false });
    expect(() => ingress.addNextjsService(web)).toThrow(
      /Invalid nextjs\.keepAliveTimeout: "25 seconds"\. It must exceed the load balancer's idle timeout \(loadBalancer\.idleTimeout, 25 seconds\)/);
  });
});

describe('stand-alone services join a namespace of their own choosing', () => {
  test('Next.js calls a stand-alone Hasura through the cluster\'s Service Connect namespace', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    cluster.addDefaultCloudMapNamespace({ name: 'app.internal', type: servicediscovery.NamespaceType.HTTP, useForServiceConnect: true });
    const hasura = new HasuraService(stack, 'Hasura', { cluster, database: new PlatformDatabase(stack, 'Database', { vpc }) });
    new NextjsService(stack, 'Web', { cluster, image: NEXTJS_IMAGE, hasura });
    const template = Template.fromStack(stack);
    expect(environmentOf(containerNamed(template, 'nextjs')).HASURA_GRAPHQL_INTERNAL_URL).toBe('http://hasura:8080/v1/graphql');
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080,
      GroupId: stack.resolve(hasura.securityGroup.securityGroupId),
      SourceSecurityGroupId: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith([Match.stringLikeRegexp('^WebSecurityGroup')]) }),
    });
  });
});
