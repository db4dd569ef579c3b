// Synthesizes every example app into examples/<name>/cdk.out, offline: no AWS account, no Docker.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { HasuraNextjsPlatform, PlatformCostModel, PlatformRecoveryRegion } from '../src';
import { exampleApp } from './example-app';

interface ExampleModule {
  createStack(app: App): Stack;
}

/** The modeled monthly cost of one stack's platform, or of the recovery region it adds, in whole US dollars. */
export interface PlatformCost {
  /** The stack's path under the example's stack, e.g. `Dev/HasuraBlog`; empty for the example's stack itself. */
  readonly path: string;
  /** How the cost table names it: a stage (`Dev`), `platform`, or `recovery region`. */
  readonly label: string;
  readonly monthlyUsd: number;
}

/** Names of the example folders that hold a CDK app. */
export function exampleNames(): string[] {
  return fs.readdirSync(__dirname)
    .filter((name) => fs.existsSync(path.join(__dirname, name, 'main.ts')))
    .sort();
}

/**
 * The stacks at or under `stack` that hold a HasuraNextjsPlatform: the stack itself, or the stacks of
 * the stages it holds, such as a pipeline's.
 */
export function platformStacks(stack: Stack): Stack[] {
  const holders = new Set(stack.node.findAll()
    .filter((c) => c instanceof HasuraNextjsPlatform)
    .map((platform) => Stack.of(platform)));
  return [...holders];
}

/** The stacks of `stack`'s app (or stage) that hold a PlatformRecoveryRegion. */
export function recoveryStacks(stack: Stack): Stack[] {
  return [...new Set(Stage.of(stack)!.node.findAll()
    .filter((c) => c instanceof PlatformRecoveryRegion)
    .map((recovery) => Stack.of(recovery)))];
}

/** The recovery regions of `platform`'s app that are named after it (in stacks of their own). */
export function recoveryRegionsOf(platform: HasuraNextjsPlatform): PlatformRecoveryRegion[] {
  return Stage.of(platform)!.node.findAll().filter((c): c is PlatformRecoveryRegion =>
    c instanceof PlatformRecoveryRegion && c.platformName === platform.platformName && Stage.of(c) === Stage.of(platform));
}

/**
 * The modeled monthly cost of every platform at or under `stack`, in whole US dollars, and of the
 * recovery region each one adds: the model of both together less the platform's own.
 */
export function platformCosts(stack: Stack): PlatformCost[] {
  const costs = platformStacks(stack).flatMap((holder) => {
    const platform = holder.node.findAll().find((c): c is HasuraNextjsPlatform => c instanceof HasuraNextjsPlatform && Stack.of(c) === holder)!;
    const holderPath = relativePath(stack, holder);
    const own = Math.round(platform.costEstimate().totalMonthlyUsd);
    const entries: PlatformCost[] = [{ path: holderPath, label: holderPath === '' ? 'platform' : holderPath.split('/')[0], monthlyUsd: own }];
    const recoveries = recoveryRegionsOf(platform);
    if (recoveries.length > 0) {
      const both = PlatformCostModel.estimate(PlatformCostModel.inventoryOf([platform, ...recoveries])).totalMonthlyUsd;
      entries.push({ path: Stack.of(recoveries[0]).node.path, label: 'recovery region', monthlyUsd: Math.round(both) - own });
    }
    return entries;
  });
  if (costs.length === 0) {
    throw new Error(`${stack.stackName} has no HasuraNextjsPlatform`);
  }
  return costs;
}

/** The modeled monthly cost of every platform at or under `stack` together, in whole US dollars. */
export function modeledMonthlyUsd(stack: Stack): number {
  return platformCosts(stack).reduce((sum, cost) => sum + cost.monthlyUsd, 0);
}

/**
 * `$106/month`, or for several platforms `$302/month (Dev $106 + Prod $196)`, or with a recovery region
 * `$265/month (platform $238 + recovery region $27)`.
 */
export function costLine(costs: PlatformCost[]): string {
  const total = `$${costs.reduce((sum, cost) => sum + cost.monthlyUsd, 0)}/month`;
  if (costs.length === 1 && costs[0].path === '') {
    return total;
  }
  return `${total} (${costs.map((cost) => `${cost.label} $${cost.monthlyUsd}`).join(' + ')})`;
}

function relativePath(root: Stack, stack: Stack): string {
  return stack === root ? '' : stack.node.path.slice(root.node.path.length + 1);
}

/** What synthesizing an example leaves: its template files and its platforms' modeled costs. */
export interface SynthesizedExampleFiles {
  /** The template of the stack the example's `createStack` returns. */
  readonly templateFile: string;
  /** The templates of its recovery regions' stacks. */
  readonly recoveryTemplateFiles: string[];
  readonly costs: PlatformCost[];
}

/** Synthesizes one example into examples/<name>/cdk.out. */
export function synthExample(name: string): SynthesizedExampleFiles {
  const outdir = path.join(__dirname, name, 'cdk.out');
  fs.rmSync(outdir, { recursive: true, force: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(path.join(__dirname, name, 'main')) as ExampleModule;
  const app = exampleApp(outdir);
  const stack = example.createStack(app);
  app.synth();
  const file = (of: Stack) => path.join(Stage.of(of)!.outdir, of.templateFile);
  return { templateFile: file(stack), recoveryTemplateFiles: recoveryStacks(stack).map(file), costs: platformCosts(stack) };
}

/** What the reference architecture estimated for the topologies that rebuild it. */
const REFERENCE_ESTIMATES: { [name: string]: string } = {
  'hasura-blog-prod': '$125-150/month',
  'hasura-blog-https': '$125-150/month',
};

/** The README's cost table: each example's modeled monthly cost (`costLine`), beside the reference's estimate. */
export function costTable(costLines: Map<string, string>): string {
  return [
    '| example | reference estimate | modeled |',
    '| --- | --- | --- |',
    ...[...costLines].map(([name, line]) => `| \`${name}\` | ${REFERENCE_ESTIMATES[name] ?? '-'} | ${line} |`),
  ].join('\n');
}

if (require.main === module) {
  const table = new Map<string, string>();
  for (const name of exampleNames()) {
    const started = Date.now();
    const { templateFile, recoveryTemplateFiles, costs } = synthExample(name);
    const sizes = [templateFile, ...recoveryTemplateFiles].map((template) => {
      const resources = Object.keys(JSON.parse(fs.readFileSync(template, 'utf8')).Resources).length;
      return `${path.relative(process.cwd(), template)} (${resources} resources, ${fs.statSync(template).size} bytes)`;
    });
    console.log(`${name}: ${sizes.join(', ')} ${Date.now() - started} ms, ${costLine(costs)}`);
    table.set(name, costLine(costs));
  }
  if (process.argv.includes('--cost-table')) {
    console.log(`\nThe README's cost table:\n\n${costTable(table)}`);
  }
}
