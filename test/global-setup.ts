// Gives every jest run a fresh directory in which workers share what only one of them needs to compute,
// such as the synthesized examples (test/examples/helpers.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RUN_CACHE_ENV } from './run-cache';

export default function globalSetup(): void {
  // Workers inherit the environment of the process that runs the global setup.
  process.env[RUN_CACHE_ENV] = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-hasura-nextjs-run-'));
}
