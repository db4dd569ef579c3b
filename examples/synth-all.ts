// Synthesizes every example app into examples/<name>/cdk.out, offline: no AWS account, no Docker.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { HasuraNextjsPlatform } from '../src';
import { exampleApp } from './example-app';

interface ExampleModule {
  createStack(app: App): Stack;
}

/** Names of the example folders that hold a CDK app. */
export function exampleNames(): string[] {
  return fs.readdirSync(__dirname)
    .filter((name) => fs.existsSync(path.join(__dirname, name, 'main.ts')))
    .sort();
}

/** The modeled monthly cost of the platform in `stack`, in whole US dollars. */
export function modeledMonthlyUsd(stack: Stack): number {
  const platform = stack.node.findAll().find((c): c is HasuraNextjsPlatform => c instanceof HasuraNextjsPlatform);
  if (!platform) {
    throw new Error(`${stack.stackName} has no HasuraNextjsPlatform`);
  }
  return Math.round(platform.costEstimate().totalMonthlyUsd);
}

/** Synthesizes one example into examples/<name>/cdk.out; returns its template file and modeled cost. */
export function synthExample(name: string): { templateFile: string; monthlyUsd: number } {
  const outdir = path.join(__dirname, name, 'cdk.out');
  fs.rmSync(outdir, { recursive: true, force: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(path.join(__dirname, name, 'main')) as ExampleModule;
  const app = exampleApp(outdir);
  const stack = example.createStack(app);
  app.synth();
  return { templateFile: path.join(outdir, stack.templateFile), monthlyUsd: modeledMonthlyUsd(stack) };
}

/** What the reference architecture estimated for the topologies that rebuild it. */
const REFERENCE_ESTIMATES: { [name: string]: string } = {
  'hasura-blog-prod': '$125-150/month',
  'hasura-blog-https': '$125-150/month',
};

/** The README's cost table: each example's modeled monthly cost, beside the reference's estimate. */
export function costTable(monthlyUsd: Map<string, number>): string {
  return [
    '| example | reference estimate | modeled |',
    '| --- | --- | --- |',
    ...[...monthlyUsd].map(([name, usd]) => `| \`${name}\` | ${REFERENCE_ESTIMATES[name] ?? '-'} | $${usd}/month |`),
  ].join('\n');
}

if (require.main === module) {
  const costs = new Map<string, number>();
  for (const name of exampleNames()) {
    const started = Date.now();
    const { templateFile: template, monthlyUsd } = synthExample(name);
    const bytes = fs.statSync(template).size;
    const resources = Object.keys(JSON.parse(fs.readFileSync(template, 'utf8')).Resources).length;
    console.log(`${name}: ${path.relative(process.cwd(), template)} (${resources} resources, ${bytes} bytes, ${Date.now() - started} ms) $${monthlyUsd}/month`);
    costs.set(name, monthlyUsd);
  }
  if (process.argv.includes('--cost-table')) {
    console.log(`\nThe README's cost table:\n\n${costTable(costs)}`);
  }
}
