// Next.js on many tasks behaves like one: a cache they share (mix-day turns it on), a CDN that caches
// pages and images as Next.js allows without mixing RSC payloads and HTML, invalidation from the app,
// one build's Server Actions key for all builds, and a warning where a rolling deploy can skew versions.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { NextjsImage } from '../../src';
import { CACHE_ACCESS_STRING } from '../../src/nextjs/shared-cache';
import { synthesizedExample } from '../examples/helpers';
import { NEXTJS_IMAGE, synthPlatform, testStack } from '../util';

const template = synthesizedExample('mix-day').template;
const resources = Object.entries<any>(template.Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const nextjsContainer = ofType('AWS::ECS::TaskDefinition').flatMap(([, r]) => r.Properties.ContainerDefinitions)
  .find((c: any) => c.Name === 'nextjs');
const environment = Object.fromEntries(nextjsContainer.Environment.map((e: any) => [e.Name, e.Value]));
const secretOf = (name: string) => nextjsContainer.Secrets.find((s: any) => s.Name === name)?.ValueFrom;

describe('the shared cache', () => {
  const [cacheId, cache] = ofType('AWS::ElastiCache::ServerlessCache')[0];
  const [, user] = ofType('AWS::ElastiCache::User').find(([, u]) => u.Properties.UserName !== 'default')!;
  const [, defaultUser] = ofType('AWS::ElastiCache::User').find(([, u]) => u.Properties.UserName === 'default')!;
  const [, userGroup] = ofType('AWS::ElastiCache::UserGroup')[0];

  test('is Valkey serverless, encrypted with the platform key, in the private subnets, behind its own user group', () => {
    expect(cache.Properties).toMatchObject({ Engine: 'valkey', MajorEngineVersion: '8' });
    const [keyId] = ofType('AWS::KMS::Key').find(([, key]) => JSON.stringify(key.Properties.Description).includes('platform'))!;
    expect(cache.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const privateSubnets = ofType('AWS::EC2::Subnet').filter(([id]) => id.includes('Private')).map(([id]) => ({ Ref: id }));
    expect(cache.Properties.SubnetIds).toEqual(privateSubnets);
    expect([...userGroup.Properties.UserIds].sort()).toEqual([user.Properties.UserId, defaultUser.Properties.UserId].sort());
    expect(cache.Properties.UserGroupId).toBe(userGroup.Properties.UserGroupId);
    // A user group must contain a user named default: this one can do nothing.
    expect(defaultUser.Properties.AccessString).toBe('off -@all');
  });

  test('admits only the Next.js tasks, on 6379', () => {
    const cacheGroup = cache.Properties.SecurityGroupIds[0];
    const rules = ofType('AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)
      .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify(cacheGroup));
    const nextjsService = ofType('AWS::ECS::Service').find(([, s]) => JSON.stringify(s.Properties.LoadBalancers ?? []).includes('"nextjs"'))![1];
    expect(rules).toEqual([expect.objectContaining({
      FromPort: 6379, ToPort: 6379, SourceSecurityGroupId: nextjsService.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0],
    })]);
    const group = template.Resources[cacheGroup['Fn::GetAtt'][0]];
    expect(JSON.stringify(group.Properties.SecurityGroupIngress ?? [])).not.toContain('0.0.0.0/0');
  });

  test('Next.js gets its TLS endpoint, its user and its password, which the template holds only as a reference', () => {
    expect(environment.CACHE_REDIS_URL).toEqual({ 'Fn::Join': ['', ['rediss://', { 'Fn::GetAtt': [cacheId, 'Endpoint.Address'] }, ':6379']] });
    expect(environment.CACHE_REDIS_USERNAME).toBe(user.Properties.UserName);
    const passwordSecret = secretOf('CACHE_REDIS_PASSWORD');
    expect(passwordSecret).toEqual({ Ref: expect.stringMatching(/SharedCachePassword/) });
    // The user's password is a dynamic reference to the same secret, resolved by CloudFormation.
    expect(JSON.stringify(user.Properties.AuthenticationMode.Passwords)).toContain(`["{{resolve:secretsmanager:",{"Ref":"${passwordSecret.Ref}"},":SecretString:::}}"]`);
    expect(user.Properties.AuthenticationMode.Type).toBe('password');
  });

  test('its user may touch only the keys of the {nextjs}: hash tag, and no dangerous command', () => {
    expect(user.Properties.AccessString).toBe(CACHE_ACCESS_STRING);
    expect(CACHE_ACCESS_STRING).toMatch(/^on ~\{nextjs\}:\* -@all .* -@dangerous$/);
  });

  test('is priced by the cost model', () => {
    const inventory = synthesizedExample('mix-day').stackInventories['mix-day'] as { resourceCounts: { [kind: string]: number } };
    expect(inventory.resourceCounts.valkeyServerlessCaches).toBe(1);
    const { platform } = synthPlatform({ nextjs: { image: NEXTJS_IMAGE, sharedCache: {} } });
    const lines = platform.costEstimate().lineItems.filter((line) => line.category === 'ElastiCache');
    // 0.1 GB (the least billed) x $0.084 x 730 h, and the assumed ECPUs.
    expect(lines[0].monthlyUsd).toBe(6.13);
    expect(lines).toHaveLength(2);
  });
});

describe('the CDN caches what Next.js lets it', () => {
  const [, distribution] = ofType('AWS::CloudFront::Distribution')[0];
  const config = distribution.Properties.DistributionConfig;
  const behavior = (pattern: string) => config.CacheBehaviors.find((b: any) => b.PathPattern === pattern);
  const policy = (reference: any) => template.Resources[reference.Ref]?.Properties.CachePolicyConfig;
  // The id of AWS's managed CachingDisabled policy.
  const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

  test('pages honour Cache-Control, keyed on every query string, the RSC headers and the draft-mode cookie', () => {
    const pages = policy(config.DefaultCacheBehavior.CachePolicyId);
    expect(pages).toMatchObject({ DefaultTTL: 0, MinTTL: 0, MaxTTL: 31536000 });
    const key = pages.ParametersInCacheKeyAndForwardedToOrigin;
    expect(key.QueryStringsConfig.QueryStringBehavior).toBe('all');
    expect([...key.HeadersConfig.Headers].sort()).toEqual(['next-router-prefetch', 'next-router-segment-prefetch', 'next-router-state-tree', 'next-url', 'rsc']);
    expect(key.CookiesConfig).toEqual({ CookieBehavior: 'whitelist', Cookies: ['__prerender_bypass'] });
    expect(config.DefaultCacheBehavior.AllowedMethods).toContain('POST');
  });

  test('/_next/image is keyed on url, w, q, dpl and Accept', () => {
    const images = behavior('/_next/image*');
    const key = policy(images.CachePolicyId).ParametersInCacheKeyAndForwardedToOrigin;
    expect(key.QueryStringsConfig).toEqual({ QueryStringBehavior: 'whitelist', QueryStrings: ['url', 'w', 'q', 'dpl'] });
    expect(key.HeadersConfig).toEqual({ HeaderBehavior: 'whitelist', Headers: ['accept'] });
  });

  test('GraphQL and route handlers are never cached and get every viewer header', () => {
    for (const pattern of ['/api/*', '/v1/graphql', '/v1beta1/relay']) {
      expect(behavior(pattern).CachePolicyId).toBe(CACHING_DISABLED);
      expect(behavior(pattern).AllowedMethods).toContain('POST');
    }
  });

  test('the app may invalidate this distribution, and nothing else of CloudFront', () => {
    const [distributionId] = ofType('AWS::CloudFront::Distribution')[0];
    expect(environment.CLOUDFRONT_DISTRIBUTION_ID).toEqual({ Ref: distributionId });
    const taskRole = ofType('AWS::ECS::TaskDefinition').find(([, r]) => r.Properties.ContainerDefinitions.some((c: any) => c.Name === 'nextjs'))![1]
      .Properties.TaskRoleArn['Fn::GetAtt'][0];
    const statements = ofType('AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(taskRole))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const cloudFront = statements.filter((s: any) => JSON.stringify(s.Action).includes('cloudfront:'));
    expect(cloudFront).toEqual([expect.objectContaining({ Action: 'cloudfront:CreateInvalidation', Effect: 'Allow' })]);
    expect(JSON.stringify(cloudFront[0].Resource)).toContain(`":distribution/",{"Ref":"${distributionId}"}]`);
  });

  test('without nextjsInvalidation, the app gets neither the id nor the permission', () => {
    expect(synthesizedExample('hasura-blog-prod').template.Resources).toBeDefined();
    const { template: plain } = synthPlatform();
    expect(JSON.stringify(plain.toJSON())).not.toContain('CLOUDFRONT_DISTRIBUTION_ID');
    expect(JSON.stringify(plain.toJSON())).not.toContain('cloudfront:CreateInvalidation');
  });
});

describe('version skew', () => {
  test('several tasks without a store of earlier builds\' static files get a warning that names the way to keep them', () => {
    const { stack } = synthPlatform();
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('Next.js runs up to 2 tasks.*set cdn and set cdn.nextStaticAssetsPath'));
  });

  test('one task, or a CDN that keeps every build\'s files, gets none', () => {
    const { stack } = synthPlatform({ nextjs: { image: NEXTJS_IMAGE, desiredCount: 1 } });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('Next.js runs up to'));
  });
});

describe('NextjsImage', () => {
  const directory = path.join(__dirname, '..', '..', 'examples', 'nextjs-app');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nextjs-image-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const keyFile = path.join(scratch, 'server-actions.key');
  fs.writeFileSync(keyFile, `${Buffer.alloc(32, 7).toString('base64')}\n`);

  /** The Docker image asset a task definition of the image makes, from the stack's asset manifest. */
  function imageAsset(stack: Stack): any {
    const image = NextjsImage.fromDirectory(directory, { publicGraphqlUrl: 'https://x.test/v1/graphql', deploymentId: 'abc123', serverActionsKeyFile: keyFile });
    new ecs.FargateTaskDefinition(stack, 'Task').addContainer('web', { image });
    const assembly = stack.node.root as any;
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.synth().directory, `${stack.artifactId}.assets.json`), 'utf8'));
    return Object.values<any>(manifest.dockerImages)[0].source;
  }

  test('passes the public URL and the deployment id as build arguments, and the key only as a build secret', () => {
    const source = imageAsset(testStack());
    expect(source.dockerBuildArgs).toEqual({ NEXT_PUBLIC_HASURA_GRAPHQL_URL: 'https://x.test/v1/graphql', DEPLOYMENT_ID: 'abc123' });
    expect(source.dockerBuildSecrets).toEqual({ server_actions_key: `src=${keyFile}` });
    expect(JSON.stringify(source)).not.toContain(Buffer.alloc(32, 7).toString('base64'));
  });

  test('refuses a key file that is missing, of the wrong length or inside the build context', () => {
    expect(() => NextjsImage.fromDirectory(directory, { serverActionsKeyFile: path.join(scratch, 'missing') }))
      .toThrow(/^Invalid serverActionsKeyFile: ".*missing"\. Name an existing file/);
    const short = path.join(scratch, 'short.key');
    fs.writeFileSync(short, Buffer.alloc(16).toString('base64'));
    expect(() => NextjsImage.fromDirectory(directory, { serverActionsKeyFile: short })).toThrow(/base64 of exactly 32 bytes/);
    expect(() => NextjsImage.fromDirectory(directory, { serverActionsKeyFile: path.join(directory, 'package.json') }))
      .toThrow(/base64 of exactly 32 bytes|inside the build context/);
    expect(() => NextjsImage.fromDirectory(scratch)).toThrow(/^Invalid directory: ".*"\. It must hold the Next\.js app and its Dockerfile\./);
    expect(() => NextjsImage.fromDirectory(directory, { deploymentId: 'has space' })).toThrow(/^Invalid deploymentId: "has space"\./);
  });

  test('the template never holds NEXT_SERVER_ACTIONS_ENCRYPTION_KEY', () => {
    expect(JSON.stringify(template)).not.toContain('NEXT_SERVER_ACTIONS_ENCRYPTION_KEY');
    expect(Template.fromJSON(template).findResources('AWS::ECS::TaskDefinition')).toBeDefined();
  });
});
