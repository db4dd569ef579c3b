// Property-based tests of the edge: CDN and web ACL options synthesize an internal load balancer only
// CloudFront reaches and a web ACL that enforces (or counts), keeping every contract between the services;
// one bad value fails up front, naming it.
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { HasuraNextjsPlatform } from '../../src';
import { contractBreaches, platformNameOf } from '../contracts/contracts';
import { ingressRules } from '../util';
import {
  EDGE_MUTATIONS, SEED, edgeProps, edgeSpecArb, fuzzStack, never, tally,
} from './props-model';

describe('edge props', () => {
  test('generated CDN and web ACL options synthesize with the edge invariants', () => {
    const counts = new Map<string, number>();
    fc.assert(fc.property(edgeSpecArb, (spec) => {
      const stack = fuzzStack();
      new HasuraNextjsPlatform(stack, 'Platform', edgeProps(stack, spec));
      const template = Template.fromStack(stack);
      const scheme = template.toJSON().Resources;
      expect(contractBreaches(template.toJSON() as any, platformNameOf(template.toJSON() as any))).toEqual([]);
      const loadBalancer = Object.values<any>(scheme).find((r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');
      expect(loadBalancer.Properties.Scheme).toBe(spec.cdn ? 'internal' : 'internet-facing');
      const open = ingressRules(template).filter((rule) => rule.cidr === '0.0.0.0/0' || rule.cidr === '::/0');
      expect(open.length === 0).toBe(spec.cdn !== undefined);
      template.resourceCountIs('AWS::CloudFront::Distribution', spec.cdn ? 1 : 0);
      template.resourceCountIs('AWS::CloudFront::VpcOrigin', spec.cdn ? 1 : 0);
      template.resourceCountIs('AWS::WAFv2::WebACL', spec.webAcl ? 1 : 0);
      if (spec.webAcl) {
        const acl = Object.values<any>(scheme).find((r) => r.Type === 'AWS::WAFv2::WebACL').Properties;
        expect(acl.Scope).toBe(spec.cdn ? 'CLOUDFRONT' : 'REGIONAL');
        const rate = acl.Rules.find((rule: any) => rule.Name === 'RateLimitPerIp');
        expect(rate.Statement.RateBasedStatement.Limit).toBe(spec.webAcl.rateLimitPerIp ?? 2000);
        expect(rate.Action).toEqual(spec.webAcl.countOnly ? { Count: {} } : { Block: {} });
        const associated = spec.cdn ? 'AWS::CloudFront::Distribution' : 'AWS::WAFv2::WebACLAssociation';
        template.resourceCountIs(associated, 1);
      }
      tally(counts, {
        'cdn': spec.cdn !== undefined,
        'cdn logs off': spec.cdn?.accessLogs === false,
        'web acl': spec.webAcl !== undefined,
        'web acl on the cdn': spec.webAcl !== undefined && spec.cdn !== undefined,
        'count only': spec.webAcl?.countOnly === true,
      });
    }), { seed: SEED, numRuns: 40 });
    expect(never(counts)).toEqual([]);
  }, 300_000);

  test.each(EDGE_MUTATIONS)('$kind fails up front naming $prop', ({ prop, spoil }) => {
    fc.assert(fc.property(edgeSpecArb, (spec) => {
      const stack = fuzzStack();
      expect(() => new HasuraNextjsPlatform(stack, 'Platform', edgeProps(stack, spoil(spec))))
        .toThrow(new RegExp(`^Invalid ${prop.replace(/\./g, '\\.')}: `));
      expect(stack.node.tryFindChild('Platform')?.node.children ?? []).toHaveLength(0);
    }), { seed: SEED, numRuns: 20 });
  });
});
