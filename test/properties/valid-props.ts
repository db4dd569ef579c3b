// Property-based tests, valid sets: fast-check draws prop sets from the domain (zones, CIDR layouts,
// Fargate sizes, scaling, database settings, console ranges, domains, environment), and every one must
// synthesize into a platform that keeps its security, connection-budget and data-safety invariants.
//
// Each set synthesizes a whole platform, so the sets are checked in parts, one test file each
// (valid-props-<part>.test.ts), which jest's workers run side by side. Every part draws the same
// VALID_RUNS sets (same seed, the sequence `fc.assert` would check) and checks every PARTS-th of them,
// so the parts together check each set once.
import * as fs from 'fs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { HasuraNextjsPlatform } from '../../src';
import { contractBreaches, platformNameOf } from '../contracts/contracts';
import { minimalProps } from '../util';
import {
  SEED, STATEFUL_TYPES, Spec, VALID_RUNS, checkConnections, checkDatabase, checkSecurityGroups, checkStatefulIds, checkTasks,
  fuzzStack, isArm64, never, platformProps, poolShare, statefulResources, tally, validSpecArb, zoneCount,
} from './props-model';

/** How many test files share the valid sets. */
export const PARTS = 2;

/** The features whose every one must occur among the sets, for the run to mean something. */
function features(spec: Spec): { [feature: string]: boolean } {
  return {
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
  };
}

/** Synthesizes the platform of `spec` and checks every invariant against the default platform's stateful ids. */
function checkValidSet(spec: Spec, baseline: string[]): void {
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
}

/** The tests of part `part` (1 to PARTS) of the valid sets. */
export function describeValidProps(part: number): void {
  const report: string[] = [];
  afterAll(() => {
    if (report.length > 0) {
      console.log(report.join('\n'));
    }
  });

  // The sets `fc.assert(fc.property(validSpecArb, ...), { seed: SEED, numRuns: VALID_RUNS })` checks, in its order.
  const specs = fc.sample(validSpecArb, { seed: SEED, numRuns: VALID_RUNS });
  const mine = specs.map((spec, index) => ({ spec, index })).filter(({ index }) => index % PARTS === part - 1);

  describe(`valid props, part ${part} of ${PARTS}`, () => {
    let baseline: string[];
    beforeAll(() => {
      const stack = fuzzStack();
      new HasuraNextjsPlatform(stack, 'Platform', minimalProps());
      baseline = statefulResources(Template.fromStack(stack).toJSON().Resources);
    });

    if (part === 1) {
      test('the baseline holds every kind of stateful resource', () => {
        expect(baseline.map((entry) => entry.split(' ')[0]).filter((type, index, all) => all.indexOf(type) === index).sort())
          .toEqual([...STATEFUL_TYPES].sort());
      });

      test(`there are ${PARTS} parts, so that every generated set is checked`, () => {
        const parts = fs.readdirSync(__dirname).filter((name) => /^valid-props-\d+\.test\.ts$/.test(name)).sort();
        expect(parts).toEqual(Array.from({ length: PARTS }, (_, index) => `valid-props-${index + 1}.test.ts`));
      });

      test(`the ${VALID_RUNS} generated prop sets cover every feature`, () => {
        const counts = new Map<string, number>();
        specs.forEach((spec) => tally(counts, features(spec)));
        report.push(`valid props: ${VALID_RUNS} sets (seed ${SEED}) in ${PARTS} parts; `
          + [...counts].map(([feature, count]) => `${feature} ${count}`).join(', '));
        expect(never(counts)).toEqual([]);
      });
    }

    test(`${mine.length} of the ${VALID_RUNS} generated prop sets synthesize and keep every invariant`, () => {
      const started = Date.now();
      for (const { spec, index } of mine) {
        try {
          checkValidSet(spec, baseline);
        } catch (error) {
          // Like fast-check's report of a counterexample: which set, how to draw it again, and the set itself.
          (error as Error).message = `Generated prop set #${index} of ${VALID_RUNS} (seed ${SEED}) breaks an invariant.\n`
            + `Set: ${fc.stringify(spec)}\n\n${(error as Error).message}`;
          throw error;
        }
      }
      report.push(`valid props, part ${part}: ${mine.length} sets in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }, 300_000);
  });
}
