// Removes the run's shared directory made by test/global-setup.ts.
import * as fs from 'fs';
import { RUN_CACHE_ENV } from './run-cache';

export default function globalTeardown(): void {
  const directory = process.env[RUN_CACHE_ENV];
  if (directory) {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
