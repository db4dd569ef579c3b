import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HasuraNextjsPlatform } from '../src';
import { containerNamed, environmentOf, groupIdOf, ingressRules, minimalProps, NEXTJS_IMAGE, onlyResource, secretNamesOf, synthPlatform, testStack } from './util';

describe('HasuraNextjsPlatform defaults', () => {
  const { platform, template } = synthPlatform();

  test('creates the whole topology once', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.resourceCountIs('AWS::ECS::Service', 2);
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
  });

  test('the cluster has Container Insights', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  test('both services run 2 private Fargate tasks of 512 CPU units and 1024 MiB', () => {
    const services = Object.values(template.findResources('AWS::ECS::Service'));
    for (const service of services) {
      expect(service.Properties.LaunchType).toBe('FARGATE');
      expect(service.Properties.DesiredCount).toBe(2);
      expect(service.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
      expect(service.Properties.DeploymentConfiguration).toMatchObject({
        MinimumHealthyPercent: 100,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      });
    }
    const taskDefinitions = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    expect(taskDefinitions.map((t) => [t.Properties.Cpu, t.Properties.Memory])).toEqual([['512', '1024'], ['512', '1024']]);
    for (const taskDefinition of taskDefinitions) {
      expect(taskDefinition.Properties.NetworkMode).toBe('awsvpc');
      expect(taskDefinition.Properties.ExecutionRoleArn).toBeDefined();
      expect(taskDefinition.Properties.TaskRoleArn).toBeDefined();
    }
  });

  test('tasks run in the private subnets', () => {
    const privateSubnets = platform.vpc.privateSubnets.map((s) => platform.vpc.stack.resolve(s.subnetId));
    for (const service of Object.values(template.findResources('AWS::ECS::Service'))) {
      expect(service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual(privateSubnets);
    }
  });

  test('Hasura runs the engine image the platform builds (an asset in the account\'s registry), Next.js the given one', () => {
    expect(JSON.stringify(containerNamed(template, 'hasura').Image)).toContain('cdk-hnb659fds-container-assets-');
    expect(platform.hasura.engineVersion).toBe('v2.51.3');
    expect(containerNamed(template, 'nextjs').Image).toBe('public.ecr.aws/example/blog-web:1.0.0');
  });

  test('containers log with awslogs, stream prefix ecs, into groups kept 7 days, retained except when their creation rolls back', () => {
    for (const name of ['hasura', 'nextjs']) {
      const logConfiguration = containerNamed(template, name).LogConfiguration;
      expect(logConfiguration.LogDriver).toBe('awslogs');
      expect(logConfiguration.Options['awslogs-stream-prefix']).toBe('ecs');
    }
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    const named = groups.filter((g) => typeof g.Properties.LogGroupName === 'string');
    expect(named.map((g) => g.Properties.LogGroupName).sort()).toEqual([
      `/ecs/${platform.platformName}/hasura`, `/ecs/${platform.platformName}/nextjs`,
    ]);
    for (const group of named) {
      expect(group.Properties.RetentionInDays).toBe(7);
      expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(group.UpdateReplacePolicy).toBe('Retain');
    }
  });

  test('derives a valid platform name from the construct path', () => {
    expect(platform.platformName).toMatch(/^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$/);
    expect(platform.platformName).toContain('platform');
  });

  test('Hasura runs locked down: console, dev mode, telemetry and admin APIs off; CORS to the site', () => {
    const environment = environmentOf(containerNamed(template, 'hasura'));
    expect(environment).toMatchObject({
      HASURA_GRAPHQL_ENABLE_CONSOLE: 'false',
      HASURA_GRAPHQL_DEV_MODE: 'false',
      HASURA_GRAPHQL_ENABLE_TELEMETRY: 'false',
      HASURA_GRAPHQL_ENABLED_APIS: 'graphql',
      PLATFORM_DB_SSLMODE: 'verify-full',
      PLATFORM_DB_NAME: 'hasura',
    });
    expect(environment.HASURA_GRAPHQL_CORS_DOMAIN).toEqual(
      platform.vpc.stack.resolve(platform.siteUrl));
    expect(environment).not.toHaveProperty('HASURA_GRAPHQL_DISABLE_CORS');
    expect(environment).not.toHaveProperty('HASURA_GRAPHQL_UNAUTHORIZED_ROLE');
    expect(environment).not.toHaveProperty('HASURA_GRAPHQL_DATABASE_URL');
  });

  test('every secret reaches the containers as an ECS secret', () => {
    expect(secretNamesOf(containerNamed(template, 'hasura'))).toEqual([
      'HASURA_GRAPHQL_ADMIN_SECRET', 'HASURA_GRAPHQL_JWT_SECRET', 'HASURA_WEBHOOK_SECRET', 'PLATFORM_DB_PASSWORD', 'PLATFORM_DB_USER',
    ]);
    // Least privilege: no Hasura admin secret, no JWT signing key unless asked for by name; the webhook
    // secret, which only proves that a call comes from Hasura.
    expect(secretNamesOf(containerNamed(template, 'nextjs'))).toEqual([
      'HASURA_WEBHOOK_SECRET', 'NEXTAUTH_SECRET',
    ]);
  });

  test('Next.js gets the public GraphQL URL, its own URL and listens on all interfaces', () => {
    const environment = environmentOf(containerNamed(template, 'nextjs'));
    expect(environment).toMatchObject({ HOSTNAME: '0.0.0.0', PORT: '3000', NODE_ENV: 'production' });
    expect(JSON.stringify(environment.NEXT_PUBLIC_HASURA_GRAPHQL_URL)).toContain('/v1/graphql');
    expect(JSON.stringify(environment.NEXTAUTH_URL)).toContain('http://');
  });

  test('the JWT secret is Hasura JWT config; Next.js signs with its key only when asked for by name', () => {
    const { template: exposed } = synthPlatform({ nextjs: { image: NEXTJS_IMAGE, exposeJwtSigningKey: true, exposeHasuraAdminSecret: true } });
    expect(secretNamesOf(containerNamed(exposed, 'nextjs'))).toEqual(['HASURA_GRAPHQL_ADMIN_SECRET', 'HASURA_WEBHOOK_SECRET', 'JWT_SECRET', 'NEXTAUTH_SECRET']);
    const jwtSecrets = Object.values(exposed.findResources('AWS::SecretsManager::Secret'))
      .filter((s) => s.Properties.GenerateSecretString?.GenerateStringKey === 'key');
    expect(jwtSecrets).toHaveLength(1);
    expect(jwtSecrets[0].Properties.GenerateSecretString).toMatchObject({
      SecretStringTemplate: '{"type":"HS256"}',
      PasswordLength: 64,
      ExcludePunctuation: true,
    });
    const jwtSecretValueFrom = JSON.stringify(containerNamed(exposed, 'nextjs').Secrets
      .find((s: any) => s.Name === 'JWT_SECRET').ValueFrom);
    expect(jwtSecretValueFrom).toContain(':key::');
  });

  test('the load balancer is public, in the public subnets, drops invalid headers, and is protected once it exists', () => {
    const loadBalancer = onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(loadBalancer.Properties.Scheme).toBe('internet-facing');
    expect(loadBalancer.Properties.Subnets).toEqual(platform.vpc.publicSubnets.map((s) => platform.vpc.stack.resolve(s.subnetId)));
    const attributes = Object.fromEntries(loadBalancer.Properties.LoadBalancerAttributes.map((a: any) => [a.Key, a.Value]));
    expect(attributes).toMatchObject({
      'routing.http.drop_invalid_header_fields.enabled': 'true',
      'access_logs.s3.enabled': 'true',
    });
    expect(attributes['deletion_protection.enabled']).toBeUndefined();
    expect(onlyResource(template, 'Custom::DeletionProtection').Properties.ProtectLoadBalancer).toBe('true');
  });

  test('target groups: Next.js 3000 on "/api/health", Hasura 8080 on "/healthz", IP targets, 30 s deregistration', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 3000,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/api/health',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/healthz',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
  });

  test('without a console there is no console listener and no port 8080 on the load balancer', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    expect(platform.ingress.consoleListener).toBeUndefined();
    const loadBalancerGroup = groupIdOf(platform.vpc.stack, platform.ingress.securityGroup);
    const open = ingressRules(template).filter((rule) => JSON.stringify(rule.groupId) === JSON.stringify(loadBalancerGroup));
    expect(open.map((rule) => [rule.fromPort, rule.cidr])).toEqual([[80, '0.0.0.0/0']]);
  });

  test('warns at synth time that the platform serves plain HTTP without a domain', () => {
    Annotations.fromStack(platform.vpc.stack).hasWarning('*', Match.stringLikeRegexp('plain HTTP'));
  });
});

describe('HasuraNextjsPlatform with user-provided parts', () => {
  test('uses an existing VPC and creates none', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Existing', { maxAzs: 2, natGateways: 1 });
    const platform = new HasuraNextjsPlatform(stack, 'Platform', minimalProps({ vpc }));
    expect(platform.vpc).toBe(vpc);
    expect(platform.network).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPC', 1);
  });

  test('uses the secrets it is given instead of generating them', () => {
    const stack = testStack();
    const adminSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Admin', 'prod/hasura/admin');
    const jwtSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Jwt', 'prod/hasura/jwt');
    const nextAuthSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'NextAuth', 'prod/nextauth');
    const webhookSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Webhook', 'prod/hasura/webhook');
    new HasuraNextjsPlatform(stack, 'Platform', minimalProps({
      hasura: { adminSecret, jwt: { secret: jwtSecret }, webhookSecret },
      nextjs: { image: ecs.ContainerImage.fromRegistry('web:1'), nextAuthSecret, exposeHasuraAdminSecret: true },
    }));
    const template = Template.fromStack(stack);
    const generated = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    // Only the database credentials: the master user's and Hasura's own role's.
    expect(generated.map((secret) => secret.Properties.GenerateSecretString.SecretStringTemplate))
      .toEqual(['{"username":"postgres"}', '{"username":"hasura"}']);
    // A JWKS configuration has no shared key, so Next.js gets no JWT_SECRET.
    expect(secretNamesOf(containerNamed(template, 'nextjs'))).toEqual(['HASURA_GRAPHQL_ADMIN_SECRET', 'HASURA_WEBHOOK_SECRET', 'NEXTAUTH_SECRET']);
    const webhookSecretArn = stack.resolve(webhookSecret.secretArn);
    for (const name of ['hasura', 'nextjs']) {
      expect(containerNamed(template, name).Secrets.find((s: any) => s.Name === 'HASURA_WEBHOOK_SECRET').ValueFrom).toEqual(webhookSecretArn);
    }
  });

  test('passes extra environment and secrets to each service', () => {
    const stack = testStack();
    const apiKey = secretsmanager.Secret.fromSecretNameV2(stack, 'ApiKey', 'prod/api-key');
    new HasuraNextjsPlatform(stack, 'Platform', minimalProps({
      hasura: { environment: { HASURA_GRAPHQL_LOG_LEVEL: 'warn' } },
      nextjs: {
        image: ecs.ContainerImage.fromRegistry('web:1'),
        environment: { FEATURE_FLAGS: 'comments' },
        secrets: { STRIPE_API_KEY: ecs.Secret.fromSecretsManager(apiKey) },
      },
    }));
    const template = Template.fromStack(stack);
    expect(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_LOG_LEVEL).toBe('warn');
    expect(environmentOf(containerNamed(template, 'nextjs')).FEATURE_FLAGS).toBe('comments');
    expect(secretNamesOf(containerNamed(template, 'nextjs'))).toContain('STRIPE_API_KEY');
  });
});
