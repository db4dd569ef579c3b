// Synthesizes every example app into examples/<name>/cdk.out, offline: no AWS account, no Docker.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
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

/** Synthesizes one example into examples/<name>/cdk.out and returns its template file. */
export function synthExample(name: string): string {
  const outdir = path.join(__dirname, name, 'cdk.out');
  fs.rmSync(outdir, { recursive: true, force: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(path.join(__dirname, name, 'main')) as ExampleModule;
  const app = exampleApp(outdir);
  const stack = example.createStack(app);
  app.synth();
  return path.join(outdir, stack.templateFile);
}

if (require.main === module) {
  for (const name of exampleNames()) {
    const started = Date.now();
    const template = synthExample(name);
    const bytes = fs.statSync(template).size;
    const resources = Object.keys(JSON.parse(fs.readFileSync(template, 'utf8')).Resources).length;
    console.log(`${name}: ${path.relative(process.cwd(), template)} (${resources} resources, ${bytes} bytes, ${Date.now() - started} ms)`);
  }
}
