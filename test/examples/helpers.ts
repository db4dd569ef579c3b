import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleApp } from '../../examples/example-app';
import { modeledMonthlyUsd } from '../../examples/synth-all';
import { PlatformCostModel } from '../../src';
import { oncePerRun } from '../run-cache';

/** What the tests read of a synthesized example. */
export interface SynthesizedExample {
  /** The stack's template. */
  readonly template: { [key: string]: any };
  /** The platform's modeled monthly cost, in whole US dollars. */
  readonly monthlyUsd: number;
  /** What the cost model counts in the whole stack's construct tree, as JSON. */
  readonly stackInventory: unknown;
}

/** The example in `examples/<name>`, synthesized as its `cdk.json` configures it, once per jest run. */
export function synthesizedExample(name: string): SynthesizedExample {
  return oncePerRun(`example-${name}`, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stack: Stack = require(`../../examples/${name}/main`).createStack(exampleApp());
    return {
      template: Template.fromStack(stack).toJSON(),
      monthlyUsd: modeledMonthlyUsd(stack),
      stackInventory: JSON.parse(JSON.stringify(PlatformCostModel.inventory(stack))),
    };
  });
}

/** The template of the example in `examples/<name>`, synthesized once per jest run. */
export function exampleTemplate(name: string): { [key: string]: any } {
  return synthesizedExample(name).template;
}

/** Replaces content hashes of assets, which change with every edit of the staged files. */
export function scrubHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}
