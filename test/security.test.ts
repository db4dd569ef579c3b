// Secure defaults and the opt-ins that weaken them only when asked for by name.
import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HasuraApi, HasuraNextjsPlatform } from '../src';
import { examplePlatformTemplates } from './examples/helpers';
import {
  containerNamed, environmentOf, groupIdOf, ingressRules, minimalProps, NEXTJS_IMAGE, onlyResource, secretNamesOf, synthPlatform,
  testStack,
} from './util';
import { PUBLIC_HASURA_PATHS } from '../src/edge/load-balancer-checks';

function withDomain(extra: Partial<Parameters<typeof minimalProps>[0]> = {}) {
  const stack = testStack();
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com',
  });
  const platform = new HasuraNextjsPlatform(stack, 'Platform', minimalProps({
    domain: { domainName: 'blog.example.com', hostedZone },
    ...extra,
  }));
  return { stack, platform, template: Template.fromStack(stack) };
}

describe('HTTPS on a custom domain', () => {
  const { stack, platform, template } = withDomain({ hasura: { console: { allowedCidrs: ['198.51.100.0/24'] } } });

  test('issues a DNS-validated certificate for the domain', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'blog.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'blog.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
  });

  test('serves HTTPS on 443 with a TLS 1.2+ policy and redirects HTTP permanently', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443, Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  test('routes Hasura on the HTTPS listener, and serves the console over TLS too', () => {
    const rule = onlyResource(template, 'AWS::ElasticLoadBalancingV2::ListenerRule').Properties;
    expect(rule.ListenerArn).toEqual(stack.resolve(platform.ingress.httpsListener!.listenerArn));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 8080, Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
  });

  test('creates an alias record for the domain', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'blog.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
  });

  test('the site URL, NEXTAUTH_URL, the GraphQL URL and CORS follow the domain', () => {
    expect(platform.siteUrl).toBe('https://blog.example.com');
    expect(platform.graphqlUrl).toBe('https://blog.example.com/v1/graphql');
    expect(environmentOf(containerNamed(template, 'nextjs'))).toMatchObject({
      NEXTAUTH_URL: 'https://blog.example.com',
      NEXT_PUBLIC_HASURA_GRAPHQL_URL: 'https://blog.example.com/v1/graphql',
    });
    expect(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_CORS_DOMAIN).toBe('https://blog.example.com');
  });

  test('opens 443 to the world, no warning about plain HTTP', () => {
    const group = JSON.stringify(groupIdOf(stack, platform.ingress.securityGroup));
    const open = ingressRules(template).filter((r) => JSON.stringify(r.groupId) === group && r.cidr === '0.0.0.0/0');
    expect(open.map((r) => r.fromPort).sort()).toEqual([443, 80]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('plain HTTP'))).toHaveLength(0);
  });

  test('uses a certificate it is given instead of issuing one', () => {
    const given = testStack();
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(given, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    const certificate = acm.Certificate.fromCertificateArn(given, 'Cert',
      'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555');
    new HasuraNextjsPlatform(given, 'Platform', minimalProps({ domain: { domainName: 'example.com', hostedZone, certificate } }));
    const t = Template.fromStack(given);
    t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443, Certificates: [{ CertificateArn: certificate.certificateArn }],
    });
  });
});

describe('Hasura is locked down by default', () => {
  const { platform, template, stack } = synthPlatform();

  test('only the GraphQL API and /healthz reach Hasura through the public listener', () => {
    expect(PUBLIC_HASURA_PATHS).toEqual(['/v1/graphql', '/v1beta1/relay', '/healthz']);
    const rules = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    const paths = rules.flatMap((r) => r.Properties.Conditions.flatMap((c: any) => c.PathPatternConfig.Values));
    expect(paths).toEqual(PUBLIC_HASURA_PATHS);
    for (const adminPath of ['/v1/metadata', '/v2/query', '/v1/query', '/v1alpha1/config', '/v1alpha1/pg_dump', '/v1/*', '/v2/*']) {
      expect(paths.some((p: string) => p === adminPath || (p.endsWith('*') && adminPath.startsWith(p.slice(0, -1))))).toBe(false);
    }
  });

  test('and Hasura itself serves only the GraphQL API', () => {
    expect(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_ENABLED_APIS).toBe('graphql');
  });

  test('no port of the load balancer but 80 is open to the internet, and there is no console', () => {
    const group = JSON.stringify(groupIdOf(stack, platform.ingress.securityGroup));
    const rules = ingressRules(template).filter((r) => JSON.stringify(r.groupId) === group);
    expect(rules.map((r) => [r.fromPort, r.cidr])).toEqual([[80, '0.0.0.0/0']]);
  });

  test('tasks and the database accept nothing from any CIDR', () => {
    const lbGroup = JSON.stringify(groupIdOf(stack, platform.ingress.securityGroup));
    const inner = ingressRules(template).filter((r) => JSON.stringify(r.groupId) !== lbGroup);
    expect(inner.length).toBeGreaterThan(0);
    for (const rule of inner) {
      expect(rule.cidr).toBeUndefined();
      expect(rule.sourceGroupId).toBeDefined();
    }
  });

  test('every security group has a description and the load balancer and database send nothing by default', () => {
    for (const group of Object.values(template.findResources('AWS::EC2::SecurityGroup'))) {
      expect(group.Properties.GroupDescription.length).toBeGreaterThan(30);
    }
    const lb = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Public load balancer') } });
    const db = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^PostgreSQL') } });
    for (const group of [...Object.values(lb), ...Object.values(db)]) {
      expect(JSON.stringify(group.Properties.SecurityGroupEgress ?? [])).not.toContain('0.0.0.0/0');
    }
  });

  test('CORS is the site origin, not *', () => {
    const cors = environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_CORS_DOMAIN;
    expect(JSON.stringify(cors)).not.toContain('*');
  });
});

describe('the Hasura console, when asked for', () => {
  test('is served on :8080 to the listed CIDRs only, with the admin APIs it needs', () => {
    const { platform, template, stack } = synthPlatform({ hasura: { console: { allowedCidrs: ['198.51.100.0/24', '10.20.0.0/16'], insecureAllowPlainHttp: true } } });
    const group = JSON.stringify(groupIdOf(stack, platform.ingress.securityGroup));
    const console8080 = ingressRules(template).filter((r) => JSON.stringify(r.groupId) === group && r.fromPort === 8080);
    expect(console8080.map((r) => r.cidr)).toEqual(['198.51.100.0/24', '10.20.0.0/16']);
    expect(environmentOf(containerNamed(template, 'hasura'))).toMatchObject({
      HASURA_GRAPHQL_ENABLE_CONSOLE: 'true',
      HASURA_GRAPHQL_ENABLED_APIS: 'graphql,metadata,config',
    });
  });

  test('opens to 0.0.0.0/0 only with the loudly named opt-in', () => {
    const { template } = synthPlatform({ hasura: { console: { allowedCidrs: ['0.0.0.0/0'], insecureAllowAnyIpv4: true, insecureAllowPlainHttp: true } } });
    expect(ingressRules(template).some((r) => r.fromPort === 8080 && r.cidr === '0.0.0.0/0')).toBe(true);
  });

  test('custom enabled APIs are passed through as given', () => {
    const { template } = synthPlatform({ hasura: { enabledApis: [HasuraApi.GRAPHQL, HasuraApi.METADATA] } });
    expect(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_ENABLED_APIS).toBe('graphql,metadata');
  });

  test('dev mode and an unauthorized role are set only when asked for', () => {
    const { template } = synthPlatform({ hasura: { devMode: true, unauthorizedRole: 'anonymous' } });
    expect(environmentOf(containerNamed(template, 'hasura'))).toMatchObject({
      HASURA_GRAPHQL_DEV_MODE: 'true', HASURA_GRAPHQL_UNAUTHORIZED_ROLE: 'anonymous',
    });
  });
});

describe('JWT', () => {
  test('a user JWT config with a signing key field gives Next.js that field, when asked for by name', () => {
    const stack = testStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Jwt',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/jwt-AbCdEf');
    new HasuraNextjsPlatform(stack, 'Platform', minimalProps({
      hasura: { jwt: { secret, signingKeyField: 'key' } },
      nextjs: { image: NEXTJS_IMAGE, exposeJwtSigningKey: true },
    }));
    const template = Template.fromStack(stack);
    const jwt = containerNamed(template, 'nextjs').Secrets.find((s: any) => s.Name === 'JWT_SECRET');
    expect(jwt.ValueFrom).toBe('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/jwt-AbCdEf:key::');
    const hasuraJwt = containerNamed(template, 'hasura').Secrets.find((s: any) => s.Name === 'HASURA_GRAPHQL_JWT_SECRET');
    expect(hasuraJwt.ValueFrom).toBe('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/jwt-AbCdEf');
  });
});

/** The Dockerfile of the engine image a platform stages for Hasura. */
function engineDockerfile(platform: HasuraNextjsPlatform): string {
  const outdir = Stage.of(platform)!.assetOutdir;
  const staged = fs.readdirSync(outdir).filter((name) => name.startsWith('hasura-engine-'));
  expect(staged).toHaveLength(1);
  return fs.readFileSync(path.join(outdir, staged[0], 'Dockerfile'), 'utf8');
}

describe('transport and data', () => {
  const { template, platform, stack } = synthPlatform();
  const database = onlyResource(template, 'AWS::RDS::DBInstance');

  test('the database forces TLS and Hasura verifies its certificate and host name against the RDS authorities', () => {
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres15', Parameters: { 'rds.force_ssl': '1' } });
    expect(database.Properties.DBParameterGroupName).toEqual(stack.resolve(
      (platform.database.instance.node.findChild('Resource') as any).dbParameterGroupName));
    expect(environmentOf(containerNamed(template, 'hasura'))).toMatchObject({
      PLATFORM_DB_SSLMODE: 'verify-full', PLATFORM_DB_SSLROOTCERT: '/etc/ssl/certs/rds-global-bundle.pem',
    });
    expect(containerNamed(template, 'hasura').EntryPoint[2]).toContain('?sslmode=$PLATFORM_DB_SSLMODE${PLATFORM_DB_SSLROOTCERT:+&sslrootcert=$PLATFORM_DB_SSLROOTCERT}');
    // The engine image is what holds the certificate authorities there.
    expect(engineDockerfile(platform)).toContain('ADD https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem');
  });

  test('a Hasura image of the user\'s own, which may lack the RDS authorities, connects with sslmode=require', () => {
    const { template: own } = synthPlatform({ hasura: { image: ecs.ContainerImage.fromRegistry('registry.example.com/hasura:v2.51.3') } });
    const environment = environmentOf(containerNamed(own, 'hasura'));
    expect(environment.PLATFORM_DB_SSLMODE).toBe('require');
    expect(environment.PLATFORM_DB_SSLROOTCERT).toBeUndefined();
  });

  test('the database gets deletion protection once created, and has a final snapshot, encryption and enhanced monitoring', () => {
    expect(database.Properties.DeletionProtection).toBeUndefined();
    expect(onlyResource(template, 'Custom::DeletionProtection').Properties.ProtectDatabase).toBe('true');
    expect(database.DeletionPolicy).toBe('Snapshot');
    expect(database.Properties.StorageEncrypted).toBe(true);
    expect(database.Properties.MonitoringInterval).toBe(60);
    expect(database.Properties.CACertificateIdentifier).toBe('rds-ca-rsa2048-g1');
  });

  test('the credentials secret is retained, like the snapshot that needs it, unless its creation rolls back', () => {
    const credentials = Object.values(template.findResources('AWS::SecretsManager::Secret'))
      .find((s) => s.Properties.GenerateSecretString.SecretStringTemplate === '{"username":"postgres"}')!;
    expect(credentials.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(credentials.UpdateReplacePolicy).toBe('Retain');
  });

  test('log groups and secrets are encrypted with a retained, rotating customer managed key', () => {
    const key = onlyResource(template, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(key.UpdateReplacePolicy).toBe('Retain');
    const keyArn = stack.resolve(platform.encryptionKey.keyArn);
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.KmsKeyId).toEqual(keyArn);
    }
    for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret'))) {
      expect(secret.Properties.KmsKeyId).toEqual(keyArn);
    }
    expect(JSON.stringify(key.Properties.KeyPolicy)).toContain('kms:EncryptionContext:aws:logs:arn');
  });
});

describe('edges', () => {
  const { template } = synthPlatform();

  test('access logs go to an encrypted, private, TLS-only, expiring, retained bucket', () => {
    const bucket = onlyResource(template, 'AWS::S3::Bucket');
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 90, Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
    const policy = JSON.stringify(onlyResource(template, 'AWS::S3::BucketPolicy').Properties.PolicyDocument);
    expect(policy).toContain('"aws:SecureTransport":"false"');
  });

  test('VPC flow logs record all traffic to an encrypted log group kept a year', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    const flowLogGroup = Object.values(template.findResources('AWS::Logs::LogGroup')).find((g) => g.Properties.LogGroupName === undefined)!;
    expect(flowLogGroup.Properties.RetentionInDays).toBe(365);
  });

  test('the VPC default security group is stripped of its rules', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('a web ACL is associated when given', () => {
    const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/blog/0a1b2c3d-0000-1111-2222-333344445555';
    const withWaf = synthPlatform({ loadBalancer: { webAclArn } }).template;
    withWaf.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: webAclArn });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

});

describe('secrets never reach the containers as plain environment', () => {
  /**
   * The secrets the platform manages, per container, written out: each must arrive as an ECS secret
   * from the Secrets Manager secret named here (a fragment of its logical id, and the JSON key read),
   * and none may appear in any container's plain environment.
   */
  const MANAGED: { [container: string]: { [name: string]: string } } = {
    // Hasura logs in as its own database role, never with the master's secret.
    'hasura': {
      PLATFORM_DB_USER: 'HasuraRoleSecret.*:username::',
      PLATFORM_DB_PASSWORD: 'HasuraRoleSecret.*:password::',
      HASURA_GRAPHQL_ADMIN_SECRET: 'HasuraAdminSecret',
      HASURA_GRAPHQL_JWT_SECRET: 'HasuraJwtSecret',
      HASURA_WEBHOOK_SECRET: 'HasuraWebhookSecret',
    },
    'hasura-project': {
      PLATFORM_DB_USER: 'HasuraRoleSecret.*:username::',
      PLATFORM_DB_PASSWORD: 'HasuraRoleSecret.*:password::',
      HASURA_GRAPHQL_ADMIN_SECRET: 'HasuraAdminSecret',
      HASURA_WEBHOOK_SECRET: 'HasuraWebhookSecret',
    },
    'nextjs': { NEXTAUTH_SECRET: 'NextjsNextAuthSecret', HASURA_WEBHOOK_SECRET: 'HasuraWebhookSecret' },
  };
  /** Given to Next.js only when asked for by name (`exposeHasuraAdminSecret`, `exposeJwtSigningKey`). */
  const NEXTJS_OPT_INS: { [name: string]: string } = {
    HASURA_GRAPHQL_ADMIN_SECRET: 'HasuraAdminSecret',
    JWT_SECRET: 'HasuraJwtSecret.*:key::',
  };
  const EVERY_NAME = [...new Set([...Object.values(MANAGED).flatMap(Object.keys), ...Object.keys(NEXTJS_OPT_INS)])];

  const templates: Array<[string, { [key: string]: any }]> = [...examplePlatformTemplates(), ['default platform', synthPlatform().template.toJSON()]];

  function containersOf(template: { [key: string]: any }): any[] {
    return Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
      .flatMap((taskDefinition) => taskDefinition.Properties.ContainerDefinitions);
  }

  /** Checks that `container` gets each of `expected` as a secret read from the secret the pattern names. */
  function expectSecrets(label: string, container: any, expected: { [name: string]: string }): void {
    const secrets = Object.fromEntries((container.Secrets ?? []).map((s: any) => [s.Name, JSON.stringify(s.ValueFrom)]));
    for (const [name, source] of Object.entries(expected)) {
      expect([label, container.Name, name, secrets[name]]).toEqual([label, container.Name, name, expect.stringMatching(new RegExp(source))]);
    }
  }

  test.each(templates)('%s: every managed secret is an ECS secret of its container, from its own secret', (label, template) => {
    const containers = containersOf(template);
    expect(containers.map((c) => c.Name)).toEqual(expect.arrayContaining(['hasura', 'nextjs']));
    for (const container of containers.filter((c) => MANAGED[c.Name])) {
      expectSecrets(label, container, MANAGED[container.Name]);
    }
  });

  test.each(templates)('%s: no managed secret name in any container\'s plain environment', (label, template) => {
    for (const container of containersOf(template)) {
      const names = Object.keys(environmentOf(container));
      expect([label, container.Name, names.filter((name) => EVERY_NAME.includes(name))]).toEqual([label, container.Name, []]);
    }
  });

  test('Next.js gets the admin secret and the signing key only when asked for by name', () => {
    const nextjs = (template: { [key: string]: any }) => containersOf(template).find((c) => c.Name === 'nextjs');
    expect(secretNamesOf(nextjs(synthPlatform().template.toJSON())!)).toEqual(['HASURA_WEBHOOK_SECRET', 'NEXTAUTH_SECRET']);
    const production = examplePlatformTemplates().find(([label]) => label === 'hasura-blog-prod')![1];
    expectSecrets('hasura-blog-prod', nextjs(production), { ...MANAGED.nextjs, ...NEXTJS_OPT_INS });
  });
});
