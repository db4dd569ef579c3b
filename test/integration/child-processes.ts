// Processes the integration tests start themselves (servers on free local ports), with their output kept
// for error messages, and always stopped.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/** Full path of a program on PATH, or undefined. */
export function findOnPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** A process a test started. */
export interface TestProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** What it printed so far, standard output and error interleaved. */
  output(): string;
  /** Whether it has exited. */
  exited(): boolean;
  /** SIGTERM to its process group, SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `command` in its own process group (so stopping it also stops anything it started), with exactly
 * `env` as its environment. Should the test process end without `stop`, the group is killed on exit.
 */
export function startProcess(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): TestProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  const killOnExit = () => signalGroup('SIGKILL');
  process.once('exit', killOnExit);
  return {
    name,
    child,
    output: () => output,
    exited,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.pid === undefined || exited()) {
        return;
      }
      const done = new Promise((resolve) => child.once('exit', resolve));
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `ready` every 100 ms until it returns true. Fails with the process's output when the process
 * exits first or `timeoutMs` passes.
 */
export async function waitUntilReady(process: TestProcess, ready: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (process.exited()) {
      throw new Error(`${process.name} exited (code ${process.child.exitCode}, signal ${process.child.signalCode}) before it was ready:\n${process.output()}`);
    }
    if (await ready().catch(() => false)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${process.name} was not ready within ${timeoutMs / 1000} s:\n${process.output()}`);
    }
    await sleep(100);
  }
}
