// What one jest worker computes once for the whole run (such as a synthesized example), shared with the
// other workers through a directory that test/global-setup.ts makes for each run, and with the other
// test files of the same worker in memory.
import * as fs from 'fs';
import * as path from 'path';

/** Where this jest run keeps what one worker computed for the others (set by test/global-setup.ts). */
export const RUN_CACHE_ENV = 'CDK_HASURA_NEXTJS_RUN_CACHE';

const memory = new Map<string, unknown>();

/**
 * `compute()`, done once per jest run: the first worker to ask computes it and leaves it in the run's
 * cache directory as JSON; the others wait for that file and read it. Without a run cache (a test run
 * outside jest's global setup), every call computes. The directory is new for every run, so nothing
 * computed by an older version of the code is ever read.
 */
export function oncePerRun<T>(key: string, compute: () => T): T {
  if (memory.has(key)) {
    return memory.get(key) as T;
  }
  // Every test file of a worker reads the same copy, so none may change it (copy before sorting).
  const value = deepFreeze(readOrCompute(key, compute));
  memory.set(key, value);
  return value;
}

/** `value`, with every object and array in it made read-only: a write then throws (modules are strict). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
}

function readOrCompute<T>(key: string, compute: () => T): T {
  const directory = process.env[RUN_CACHE_ENV];
  if (!directory) {
    return compute();
  }
  const file = path.join(directory, `${key}.json`);
  const deadline = Date.now() + 180_000;
  while (!fs.existsSync(file)) {
    if (claim(`${file}.lock`) || Date.now() > deadline) {
      const value = compute();
      const partial = `${file}.${process.pid}.partial`;
      fs.writeFileSync(partial, JSON.stringify(value));
      fs.renameSync(partial, file);
      return value;
    }
    sleep(50);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** True for the one caller that creates `lock`. */
function claim(lock: string): boolean {
  try {
    fs.closeSync(fs.openSync(lock, 'wx'));
    return true;
  } catch {
    return false;
  }
}

function sleep(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

