import { Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleApp } from '../../examples/example-app';
import { exampleNames, modeledMonthlyUsd, PlatformCost, platformCosts, platformStacks } from '../../examples/synth-all';
import { PlatformCostModel } from '../../src';
import { oncePerRun } from '../run-cache';

/** What the tests read of a synthesized example. */
export interface SynthesizedExample {
  /** The template of the stack the example's `createStack` returns. */
  readonly template: { [key: string]: any };
  /** The modeled monthly cost of every platform the example deploys, in whole US dollars. */
  readonly monthlyUsd: number;
  /** The modeled monthly cost of each platform the example deploys. */
  readonly platformCosts: PlatformCost[];
  /**
   * The templates of the stacks that hold a platform, by label: the example's name for its own stack,
   * `<name> <path>` for a stack in a stage under it (a pipeline's, e.g. `pipeline Dev/HasuraBlog`).
   */
  readonly platformTemplates: { [label: string]: { [key: string]: any } };
  /** What the cost model counts in the construct tree of each of those stacks, by the same label, as JSON. */
  readonly stackInventories: { [label: string]: unknown };
  /** The keys of the context lookups (e.g. Availability Zones of an account) that synthesis had no answer for. */
  readonly missingContext: string[];
}

/** The example in `examples/<name>`, synthesized as its `cdk.json` configures it, once per jest run. */
export function synthesizedExample(name: string): SynthesizedExample {
  return oncePerRun(`example-${name}`, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stack: Stack = require(`../../examples/${name}/main`).createStack(exampleApp());
    // The example's own stack first: its synthesis synthesizes the stages under it too.
    const template = Template.fromStack(stack).toJSON();
    const label = (holder: Stack) => (holder === stack ? name : `${name} ${holder.node.path.slice(stack.node.path.length + 1)}`);
    const holders = platformStacks(stack);
    const platformTemplates = Object.fromEntries(holders.map((holder) => [label(holder),
      holder === stack ? template : Template.fromStack(holder).toJSON()]));
    const stackInventories = Object.fromEntries(holders.map((holder) => [label(holder),
      JSON.parse(JSON.stringify(PlatformCostModel.inventory(holder)))]));
    const missingContext = (Stage.of(stack)!.synth().manifest.missing ?? []).map((lookup) => lookup.key);
    return {
      template, monthlyUsd: modeledMonthlyUsd(stack), platformCosts: platformCosts(stack), platformTemplates, stackInventories, missingContext,
    };
  });
}

/** The template of the example in `examples/<name>`, synthesized once per jest run. */
export function exampleTemplate(name: string): { [key: string]: any } {
  return synthesizedExample(name).template;
}

/** Every template of every example that holds a platform, labelled as in `SynthesizedExample`. */
export function examplePlatformTemplates(): Array<[string, { [key: string]: any }]> {
  return exampleNames().flatMap((name) => Object.entries(synthesizedExample(name).platformTemplates));
}

/**
 * Replaces content hashes of assets, which change with every edit of the staged files, and the hashes
 * that asset destination ids (`<account>-<region>-<hash>`, in a pipeline's publishing commands) derive from them.
 */
export function scrubHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template)
    .replace(/[0-9a-f]{64}/g, '<asset-hash>')
    .replace(/(\d{12}-[a-z]{2}(?:-[a-z]+)+-\d)-[0-9a-f]{8}\b/g, '$1-<destination-hash>'));
}
