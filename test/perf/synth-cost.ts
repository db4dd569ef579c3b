// CPU cost of synthesizing the full-featured platform (the hasura-blog-https example: HTTPS, WAF,
// console, Multi-AZ) relative to an app that loads the same modules and synthesizes one resource.
//
//   npx projen perf:synth            prints both costs (median of 5 fresh processes each) and the ratio
//
// Each measurement runs in a fresh Node.js process that loads the same code (the example, hence the
// library and every aws-cdk-lib module it uses) before it synthesizes either the platform or a single
// resource, so the ratio isolates what synthesizing the platform costs on top of loading it. Both apps
// use the examples' context, so aws-cdk-lib's template validation runs in both.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RUNS = 5;

/** The child: loads everything, synthesizes one of the two apps, prints the CPU milliseconds it took. */
function child(mode: string): void {
  const started = process.cpuUsage();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { exampleApp } = require('../../examples/example-app');
  const { createStack } = require('../../examples/hasura-blog-https/main');
  const { Stack } = require('aws-cdk-lib');
  const { CfnWaitConditionHandle } = require('aws-cdk-lib');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-cost-'));
  const app = exampleApp(outdir);
  if (mode === 'platform') {
    createStack(app);
  } else {
    new CfnWaitConditionHandle(new Stack(app, 'One', { env: { account: '111122223333', region: 'us-east-1' } }), 'Resource');
  }
  app.synth();
  const used = process.cpuUsage(started);
  fs.rmSync(outdir, { recursive: true, force: true });
  console.log(JSON.stringify({ cpuMs: (used.user + used.system) / 1000 }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs the child `RUNS` times, alternating the two modes so that machine load hits both alike. */
export function measure(runs = RUNS): { platformMs: number; oneResourceMs: number; ratio: number; spread: number[] } {
  const samples: { [mode: string]: number[] } = { 'platform': [], 'one-resource': [] };
  for (let i = 0; i < runs; i++) {
    for (const mode of Object.keys(samples)) {
      const output = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, mode],
        { encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.resolve(__dirname, '..', '..', 'tsconfig.dev.json') } });
      samples[mode].push(JSON.parse(output.trim().split('\n').pop()!).cpuMs);
    }
  }
  const platformMs = median(samples.platform);
  const oneResourceMs = median(samples['one-resource']);
  const ratios = samples.platform.map((ms, i) => ms / samples['one-resource'][i]);
  return { platformMs, oneResourceMs, ratio: platformMs / oneResourceMs, spread: [Math.min(...ratios), Math.max(...ratios)] };
}

if (require.main === module) {
  const mode = process.argv[2];
  if (mode) {
    child(mode);
  } else {
    const { platformMs, oneResourceMs, ratio, spread } = measure();
    console.log(`full-featured platform: ${platformMs.toFixed(0)} ms CPU; one resource, same modules: ${oneResourceMs.toFixed(0)} ms CPU`);
    console.log(`ratio ${ratio.toFixed(2)} (median of ${RUNS} fresh processes each; budget 1.9); pairwise ratios ${spread[0].toFixed(2)} to ${spread[1].toFixed(2)}`);
  }
}
