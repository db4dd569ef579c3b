// Property-based tests, invalid sets: a valid set with a single bad value must fail up front, before
// anything is built, with the library's own error naming the prop that was spoiled.
import * as fc from 'fast-check';
import {
  INVALID_RUNS, MUTATIONS, SEED, fuzzStack, invalidCaseArb, never, platformProps, tally,
} from './props-model';
import { HasuraNextjsPlatform } from '../../src';

const report: string[] = [];
afterAll(() => console.log(report.join('\n')));

describe('invalid props', () => {
  test(`${INVALID_RUNS} prop sets with one bad value fail up front, naming the prop`, () => {
    const counts = new Map<string, number>();
    const started = Date.now();
    fc.assert(fc.property(invalidCaseArb, ({ kind, spec, prop }) => {
      const stack = fuzzStack();
      const props = platformProps(stack, spec);
      let error: unknown;
      try {
        new HasuraNextjsPlatform(stack, 'Platform', props);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(Error);
      const { message, stack: trace } = error as Error;
      expect(message).toMatch(new RegExp(`^Invalid ${prop.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
      // The library's own validation threw it, not aws-cdk-lib (whose errors are ValidationError).
      expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
      expect(trace?.split('\n').find((line) => line.trim().startsWith('at '))).toMatch(/at invalid \(.*src[\\/]private[\\/]validation\.ts:/);
      // Nothing was built.
      expect(stack.node.tryFindChild('Platform')?.node.children ?? []).toHaveLength(0);
      tally(counts, Object.fromEntries(MUTATIONS.map((mutation) => [mutation.kind, mutation.kind === kind])));
    }), { seed: SEED, numRuns: INVALID_RUNS });
    const seconds = (Date.now() - started) / 1000;
    report.push(`invalid props: ${INVALID_RUNS} cases of ${MUTATIONS.length} kinds in ${seconds.toFixed(1)} s (seed ${SEED}); `
      + `fewest of one kind: ${Math.min(...counts.values())}`);
    expect(never(counts)).toEqual([]);
  }, 300_000);
});
