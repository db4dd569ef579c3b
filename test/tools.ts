// The repository's own command-line tools (node_modules/.bin), run to completion from the repository root,
// for the tests that check what they say: jsii, jsii-docgen, eslint.
import { spawnSync } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');

export interface ToolRun {
  readonly status: number | null;
  /** What it printed, standard output then standard error, after the reason it could not start, if any. */
  readonly output: string;
}

/** Runs `tool` of node_modules/.bin with `args`, and `env` over this process's environment. */
export function runTool(tool: string, args: string[], env: { [name: string]: string } = {}): ToolRun {
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', tool), args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 600_000,
  });
  return { status: result.status, output: `${result.error?.message ?? ''}${result.stdout}${result.stderr}` };
}
