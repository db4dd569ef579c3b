// Property-based tests, valid sets: fast-check draws prop sets from the domain (zones, CIDR layouts,
// Fargate sizes, scaling, database settings, console ranges, domains, environment), and every one must
// synthesize into a platform that keeps its security, connection-budget and data-safety invariants.
import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { HasuraNextjsPlatform } from '../../src';
import { contractBreaches, platformNameOf } from '../contracts/contracts';
import { minimalProps } from '../util';
import {
  SEED, STATEFUL_TYPES, VALID_RUNS, checkConnections, checkDatabase, checkSecurityGroups, checkStatefulIds, checkTasks,
  fuzzStack, isArm64, never, platformProps, poolShare, statefulResources, tally, validSpecArb, zoneCount,
} from './props-model';

const report: string[] = [];
afterAll(() => console.log(report.join('\n')));

describe('valid props', () => {
  let baseline: string[];
  beforeAll(() => {
    const stack = fuzzStack();
    new HasuraNextjsPlatform(stack, 'Platform', minimalProps());
    baseline = statefulResources(Template.fromStack(stack).toJSON().Resources);
  });

  test('the baseline holds every kind of stateful resource', () => {
    expect(baseline.map((entry) => entry.split(' ')[0]).filter((type, index, all) => all.indexOf(type) === index).sort())
      .toEqual([...STATEFUL_TYPES].sort());
  });

  test(`${VALID_RUNS} generated prop sets synthesize and keep every invariant`, () => {
    const counts = new Map<string, number>();
    const started = Date.now();
    fc.assert(fc.property(validSpecArb, (spec) => {
      const stack = fuzzStack();
      new HasuraNextjsPlatform(stack, 'Platform', platformProps(stack, spec));
      const template = Template.fromStack(stack);
      const resources = template.toJSON().Resources;
      checkDatabase(spec, resources);
      checkTasks(spec, template, resources);
      checkSecurityGroups(spec, template, resources);
      checkConnections(spec, template, resources);
      checkStatefulIds(spec, resources, baseline);
      expect(contractBreaches(template.toJSON() as any, platformNameOf(template.toJSON() as any))).toEqual([]);
      tally(counts, {
        'existing VPC': spec.existingVpc !== undefined,
        'exact zones': spec.network?.availabilityZones !== undefined,
        '3 or 4 zones': zoneCount(spec) > 2,
        'custom VPC CIDR': spec.network?.vpcCidr !== undefined,
        'explicit subnets': spec.network?.publicSubnetCidrs !== undefined,
        'autoscaling': spec.hasura.autoScaling !== undefined || spec.nextjs.autoScaling !== undefined,
        'ARM64': isArm64(spec.hasura) || isArm64(spec.nextjs),
        'Fargate Spot': spec.nextjs.fargateSpot === true,
        'explicit max_connections': spec.database.maxConnections !== undefined,
        'pool capped at 50': poolShare(spec) > 50,
        'fewer NAT gateways than zones': (spec.network?.natGateways ?? zoneCount(spec)) < zoneCount(spec),
        'flow logs off': spec.network?.flowLogs === false,
        'domain': spec.domain !== undefined,
        'console': spec.hasura.console !== undefined,
        'console open to 0.0.0.0/0 by opt-in': spec.hasura.console?.allowedCidrs.includes('0.0.0.0/0') ?? false,
        'deletion protection off': spec.database.deletionProtection === false,
        'removal policy DESTROY': spec.database.removalPolicy === RemovalPolicy.DESTROY,
        'access logs off': spec.loadBalancer.accessLogs === false,
        'extra environment': Object.keys({ ...spec.hasura.environment, ...spec.nextjs.environment }).length > 0,
        'extra secrets': (spec.hasura.secretNames?.length ?? 0) + (spec.nextjs.secretNames?.length ?? 0) > 0,
      });
    }), { seed: SEED, numRuns: VALID_RUNS, endOnFailure: true });
    const seconds = (Date.now() - started) / 1000;
    report.push(`valid props: ${VALID_RUNS} cases in ${seconds.toFixed(1)} s (seed ${SEED}); `
      + [...counts].map(([feature, count]) => `${feature} ${count}`).join(', '));
    expect(never(counts)).toEqual([]);
  }, 300_000);
});
