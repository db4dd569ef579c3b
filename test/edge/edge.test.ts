// The edge constructs: CDN through a VPC origin, managed web ACL, static site, and their errors.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { HasuraNextjsPlatform, HasuraNextjsPlatformProps, PlatformWebAcl, StaticSite, WebAclScope } from '../../src';
import { exampleTemplate } from '../examples/helpers';
import { ingressRules, minimalProps, onlyResource, TEST_AZS, testApp } from '../util';

function stackIn(region: string): Stack {
  const app = testApp({ [`availability-zones:account=123456789012:region=${region}`]: TEST_AZS.map((az) => az.replace('us-east-1', region)) });
  return new Stack(app, 'Test', { env: { account: '123456789012', region } });
}

function edgeProps(stack: Stack, overrides: Partial<HasuraNextjsPlatformProps> = {}): HasuraNextjsPlatformProps {
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0EDGE', zoneName: 'example.com' });
  return minimalProps({
    domain: { domainName: 'www.example.com', hostedZone },
    cdn: { originFacingPrefixList: ec2.PrefixList.fromPrefixListId(stack, 'OriginFacing', 'pl-3b927c52') },
    ...overrides,
  });
}

describe('mix-day: CloudFront, WAF and a private load balancer', () => {
  const template = Template.fromJSON(exampleTemplate('mix-day'));
  const resources = template.toJSON().Resources;

  test('two distributions, one VPC origin, OAC for the Storybook bucket', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 2);
    template.resourceCountIs('AWS::CloudFront::VpcOrigin', 1);
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only', HTTPSPort: 443 }),
    });
  });

  test('the load balancer is internal and no security group is open to the internet', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    expect(ingressRules(template).filter((rule) => rule.cidr !== undefined)).toEqual([]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52' });
  });

  test('cache behaviors: static assets cached a year, pages as the app says, GraphQL and API routes never, all methods', () => {
    const site = Object.values<any>(resources).find((r) => r.Type === 'AWS::CloudFront::Distribution'
      && r.Properties.DistributionConfig.Aliases[0] === 'mix.day').Properties.DistributionConfig;
    const byPath = Object.fromEntries(site.CacheBehaviors.map((b: any) => [b.PathPattern, b]));
    expect(Object.keys(byPath).sort()).toEqual(['/_next/image*', '/_next/static/*', '/api/*', '/v1/graphql', '/v1beta1/relay']);
    const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
    const allViewerExceptHost = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
    for (const behavior of [byPath['/api/*'], byPath['/v1/graphql'], byPath['/v1beta1/relay']]) {
      expect(behavior.CachePolicyId).toBe(cachingDisabled);
    }
    // Pages are cached only as long as the app's own Cache-Control allows: no default TTL of CloudFront's.
    const pagePolicy = resources[site.DefaultCacheBehavior.CachePolicyId.Ref].Properties.CachePolicyConfig;
    expect([pagePolicy.MinTTL, pagePolicy.DefaultTTL]).toEqual([0, 0]);
    for (const behavior of [site.DefaultCacheBehavior, byPath['/api/*'], byPath['/v1/graphql'], byPath['/v1beta1/relay']]) {
      expect(behavior.OriginRequestPolicyId).toBe(allViewerExceptHost);
      expect(behavior.AllowedMethods).toHaveLength(7);
      expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    }
    const staticPolicy = resources[byPath['/_next/static/*'].CachePolicyId.Ref].Properties.CachePolicyConfig;
    expect([staticPolicy.MinTTL, staticPolicy.DefaultTTL, staticPolicy.MaxTTL]).toEqual([31536000, 31536000, 31536000]);
    expect(byPath['/_next/static/*'].Compress).toBe(true);
    expect(site.ViewerCertificate.MinimumProtocolVersion).toBe('TLSv1.2_2021');
    expect(site.Logging).toBeDefined();
    expect(site.WebACLId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PlatformWebAcl/), 'Arn'] });
  });

  test('Route 53 A and AAAA aliases for both names', () => {
    const records = Object.values<any>(resources).filter((r) => r.Type === 'AWS::Route53::RecordSet')
      .map((r) => `${r.Properties.Name} ${r.Properties.Type}`).sort();
    expect(records).toEqual(['mix.day. A', 'mix.day. AAAA', 'storybook.mix.day. A', 'storybook.mix.day. AAAA']);
  });

  test('a CLOUDFRONT web ACL: rate limit first, then the managed groups and the rule that spares GraphQL bodies', () => {
    const acl = Object.values<any>(resources).find((r) => r.Type === 'AWS::WAFv2::WebACL').Properties;
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.Rules.map((rule: any) => rule.Name)).toEqual(['RateLimitPerIp', 'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet', 'BodyRulesOutsideGraphql', 'AWSManagedRulesKnownBadInputsRuleSet']);
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-mix-day', KmsKeyId: Match.anyValue() });
  });

  test('every rule blocks: the rate limit and the GraphQL-sparing rule by their action, the managed groups by their own actions', () => {
    const rules = Object.values<any>(resources).find((r) => r.Type === 'AWS::WAFv2::WebACL').Properties.Rules;
    const actions = Object.fromEntries(rules.map((rule: any) => [rule.Name, rule.Action ?? { override: rule.OverrideAction }]));
    expect(actions).toEqual({
      RateLimitPerIp: { Block: {} },
      AWSManagedRulesAmazonIpReputationList: { override: { None: {} } },
      AWSManagedRulesCommonRuleSet: { override: { None: {} } },
      BodyRulesOutsideGraphql: { Block: {} },
      AWSManagedRulesKnownBadInputsRuleSet: { override: { None: {} } },
    });
    // Only the common rule set's body rules are turned into counts (the rule above blocks what they label).
    for (const rule of rules.filter((r: any) => r.Name !== 'AWSManagedRulesCommonRuleSet')) {
      expect([rule.Name, rule.Statement.ManagedRuleGroupStatement?.RuleActionOverrides]).toEqual([rule.Name, undefined]);
    }
    expect(rules.find((r: any) => r.Name === 'RateLimitPerIp').Statement.RateBasedStatement)
      .toMatchObject({ AggregateKeyType: 'IP', EvaluationWindowSec: 300, Limit: 2000 });
  });

  test('the web ACL logs are kept a year by default, as documented', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-mix-day', RetentionInDays: 365 });
  });

  describe('how the web ACL treats requests', () => {
    const acl = Object.values<any>(resources).find((r) => r.Type === 'AWS::WAFv2::WebACL').Properties;
    const rule = (name: string) => acl.Rules.find((r: any) => r.Name === name);
    /** The labels the common rule set gives requests whose bodies its body rules match (AWS WAF Developer Guide). */
    const BODY_LABELS = ['SizeRestrictions_Body', 'CrossSiteScripting_Body', 'GenericRFI_Body', 'GenericLFI_Body', 'EC2MetaDataSSRF_Body']
      .map((name) => `awswaf:managed:aws:core-rule-set:${name}`);

    /** Evaluates the statements these rules use against a request's path and labels, as AWS WAF does. */
    function matches(statement: any, request: { path: string; labels: string[] }): boolean {
      if (statement.ByteMatchStatement) {
        const { PositionalConstraint: how, SearchString: text, FieldToMatch: field } = statement.ByteMatchStatement;
        expect(field).toEqual({ UriPath: {} });
        return how === 'EXACTLY' ? request.path === text : how === 'STARTS_WITH' ? request.path.startsWith(text) : fail(how);
      }
      if (statement.LabelMatchStatement) {
        return request.labels.includes(statement.LabelMatchStatement.Key);
      }
      if (statement.NotStatement) {
        return !matches(statement.NotStatement.Statement, request);
      }
      if (statement.OrStatement) {
        return statement.OrStatement.Statements.some((s: any) => matches(s, request));
      }
      if (statement.AndStatement) {
        return statement.AndStatement.Statements.every((s: any) => matches(s, request));
      }
      return fail(JSON.stringify(statement));
    }
    function fail(what: string): never {
      throw new Error(`statement not modeled: ${what}`);
    }

    test('the rate limit counts pages and API calls, not the static files each page loads', () => {
      const scope = rule('RateLimitPerIp').Statement.RateBasedStatement.ScopeDownStatement;
      expect(matches(scope, { path: '/_next/static/chunks/main-abc.js', labels: [] })).toBe(false);
      for (const page of ['/', '/posts/1', '/api/health', '/v1/graphql', '/_next/image']) {
        expect(matches(scope, { path: page, labels: [] })).toBe(true);
      }
    });

    test('every body rule of the common rule set only labels, and the labels block everywhere but on the GraphQL endpoints', () => {
      const overrides = rule('AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement.RuleActionOverrides;
      expect(overrides.map((o: any) => [o.Name, o.ActionToUse])).toEqual(BODY_LABELS.map((label) =>
        [label.split(':').pop()!.replace(/_Body$/, '_BODY'), { Count: {} }]));
      const blocker = rule('BodyRulesOutsideGraphql');
      expect(blocker.Action).toEqual({ Block: {} });
      for (const label of BODY_LABELS) {
        expect(matches(blocker.Statement, { path: '/api/posts', labels: [label] })).toBe(true);
        expect(matches(blocker.Statement, { path: '/v1/graphql', labels: [label] })).toBe(false);
        expect(matches(blocker.Statement, { path: '/v1beta1/relay', labels: [label] })).toBe(false);
      }
      expect(matches(blocker.Statement, { path: '/api/posts', labels: [] })).toBe(false);
    });
  });
});

describe('errors naming the props', () => {
  test('cdn without domain', () => {
    const stack = stackIn('us-east-1');
    expect(() => new HasuraNextjsPlatform(stack, 'P', edgeProps(stack, { domain: undefined })))
      .toThrow(/^Invalid cdn: .*set domain too/);
  });

  test('hasura.console together with cdn names both', () => {
    const stack = stackIn('us-east-1');
    expect(() => new HasuraNextjsPlatform(stack, 'P', edgeProps(stack, { hasura: { console: { allowedCidrs: ['203.0.113.0/24'] } } })))
      .toThrow(/^Invalid hasura.console: \["203.0.113.0\/24"\]\. With cdn set/);
  });

  test('cdn in another region without a us-east-1 certificate', () => {
    const stack = stackIn('eu-west-1');
    expect(() => new HasuraNextjsPlatform(stack, 'P', edgeProps(stack))).toThrow(/^Invalid cdn.certificate: undefined\. CloudFront only uses ACM certificates from us-east-1 and this stack's region is eu-west-1/);
  });

  test('cdn in another region with a us-east-1 certificate synthesizes; a web ACL there does not', () => {
    const stack = stackIn('eu-west-1');
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    const props = edgeProps(stack);
    new HasuraNextjsPlatform(stack, 'P', { ...props, cdn: { ...props.cdn, certificate } });
    Template.fromStack(stack).resourceCountIs('AWS::CloudFront::Distribution', 1);
    const other = stackIn('eu-west-1');
    const otherProps = edgeProps(other);
    expect(() => new HasuraNextjsPlatform(other, 'P', { ...otherProps, cdn: { ...otherProps.cdn, certificate }, webAcl: {} }))
      .toThrow(/^Invalid webAcl: "CLOUDFRONT"\. A CLOUDFRONT-scope web ACL must be created in a stack in us-east-1; this stack's region is eu-west-1/);
  });

  test('webAcl together with a web ACL ARN of your own', () => {
    const stack = stackIn('us-east-1');
    const props = edgeProps(stack, { webAcl: {} });
    expect(() => new HasuraNextjsPlatform(stack, 'P', { ...props, cdn: { ...props.cdn, webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b' } }))
      .toThrow(/^Invalid cdn.webAclArn: .*set one of webAcl and cdn.webAclArn/);
    const regional = stackIn('us-east-1');
    expect(() => new HasuraNextjsPlatform(regional, 'P', minimalProps({ webAcl: {}, loadBalancer: { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/a/b' } })))
      .toThrow(/^Invalid loadBalancer.webAclArn: .*set one of webAcl and loadBalancer.webAclArn/);
  });

  test('a regional web ACL ARN for the CDN', () => {
    const stack = stackIn('us-east-1');
    const props = edgeProps(stack);
    expect(() => new HasuraNextjsPlatform(stack, 'P', { ...props, cdn: { ...props.cdn, webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/a/b' } }))
      .toThrow(/^Invalid cdn.webAclArn: .*CLOUDFRONT-scope/);
  });

  test('the prefix list lookup needs an account', () => {
    const stack = new Stack(new App(), 'NoAccount', { env: { region: 'us-east-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0EDGE', zoneName: 'example.com' });
    expect(() => new HasuraNextjsPlatform(stack, 'P', minimalProps({ domain: { domainName: 'www.example.com', hostedZone }, cdn: {} })))
      .toThrow(/^Invalid cdn.originFacingPrefixList: undefined\. Looking up com.amazonaws.global.cloudfront.origin-facing needs/);
  });

  test('a web ACL name: 1 to 50 letters, digits, hyphens and underscores', () => {
    const acl = (webAclName: string) => () => new PlatformWebAcl(stackIn('us-east-1'), 'Acl', { webAclScope: WebAclScope.REGIONAL, webAclName });
    for (const name of ['blog', 'blog_prod-2', 'B'.repeat(50)]) {
      const built = acl(name)();
      expect(built.webAclName).toBe(name);
      Template.fromStack(Stack.of(built)).hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `aws-waf-logs-${name}` });
    }
    for (const name of ['', 'B'.repeat(51), 'blog prod', 'blog.prod', 'blóg']) {
      expect(acl(name)).toThrow(`Invalid webAcl.webAclName: ${JSON.stringify(name)}. Use 1 to 50 letters, digits, hyphens and underscores.`);
    }
  });

  test('countOnly makes every rule count, and nothing else block', () => {
    const stack = stackIn('us-east-1');
    new PlatformWebAcl(stack, 'Acl', { webAclScope: WebAclScope.REGIONAL, countOnly: true });
    const rules = onlyResource(Template.fromStack(stack), 'AWS::WAFv2::WebACL').Properties.Rules;
    expect(rules.map((rule: any) => [rule.Name, rule.Action ?? rule.OverrideAction])).toEqual([
      ['RateLimitPerIp', { Count: {} }],
      ['AWSManagedRulesAmazonIpReputationList', { Count: {} }],
      ['AWSManagedRulesCommonRuleSet', { Count: {} }],
      ['BodyRulesOutsideGraphql', { Count: {} }],
      ['AWSManagedRulesKnownBadInputsRuleSet', { Count: {} }],
    ]);
  });

  test('a stand-alone CLOUDFRONT web ACL outside us-east-1', () => {
    expect(() => new PlatformWebAcl(stackIn('eu-west-1'), 'Acl', { webAclScope: WebAclScope.CLOUDFRONT }))
      .toThrow(/^Invalid webAcl.webAclScope: "CLOUDFRONT"/);
  });
});

describe('StaticSite on its own', () => {
  const stack = stackIn('us-east-1');
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0EDGE', zoneName: 'example.com' });
  new StaticSite(stack, 'Docs', { domainName: 'docs.example.com', hostedZone, singlePageApp: true });
  const template = Template.fromStack(stack);

  test('a private, versioned, retained bucket read through OAC', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: Match.anyValue(),
      }),
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });

  test('security headers with the default CSP, SPA errors, HTTPS only', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.stringLikeRegexp("^default-src 'self'"), Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63072000 }),
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        CustomErrorResponses: [Match.objectLike({ ErrorCode: 403, ResponseCode: 200 }), Match.objectLike({ ErrorCode: 404, ResponseCode: 200 })],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }),
      }),
    });
  });

  test('bad CSP and root object are refused', () => {
    const other = stackIn('us-east-1');
    const zone = route53.HostedZone.fromHostedZoneAttributes(other, 'Zone', { hostedZoneId: 'Z0EDGE', zoneName: 'example.com' });
    expect(() => new StaticSite(other, 'A', { domainName: 'docs.example.com', hostedZone: zone, contentSecurityPolicy: ' ' }))
      .toThrow(/^Invalid staticSite.contentSecurityPolicy/);
    expect(() => new StaticSite(other, 'B', { domainName: 'docs.example.com', hostedZone: zone, defaultRootObject: '/index.html' }))
      .toThrow(/^Invalid staticSite.defaultRootObject/);
  });

  describe('sourcePath', () => {
    const site = fs.mkdtempSync(path.join(os.tmpdir(), 'static-site-'));
    afterAll(() => fs.rmSync(site, { recursive: true, force: true }));
    const build = (sourcePath: string, defaultRootObject?: string) => {
      const other = stackIn('us-east-1');
      const zone = route53.HostedZone.fromHostedZoneAttributes(other, 'Zone', { hostedZoneId: 'Z0EDGE', zoneName: 'example.com' });
      return () => new StaticSite(other, 'Site', { domainName: 'docs.example.com', hostedZone: zone, sourcePath, defaultRootObject });
    };

    test('a folder that does not exist is named with the prop', () => {
      const missing = path.join(site, 'storybook-static');
      expect(build(missing)).toThrow(`Invalid staticSite.sourcePath: ${JSON.stringify(missing)}. Nothing is there`);
    });

    test('a folder without its root object is refused; with it, it is uploaded', () => {
      fs.writeFileSync(path.join(site, 'iframe.html'), '<html></html>');
      expect(build(site)).toThrow(/^Invalid staticSite.sourcePath: ".*"\. The folder has no index\.html \(staticSite\.defaultRootObject\), so the site's root would answer 403/);
      expect(build(site, 'home.html')).toThrow(/The folder has no home\.html/);
      fs.writeFileSync(path.join(site, 'index.html'), '<html></html>');
      expect(build(site)().deployment).toBeDefined();
    });

    test('a file is accepted only as a .zip of the site', () => {
      const file = path.join(site, 'site.tar');
      fs.writeFileSync(file, '');
      expect(build(file)).toThrow(/^Invalid staticSite.sourcePath: ".*site\.tar"\. Give a folder \(the built site\) or a \.zip file of one/);
    });
  });
});
