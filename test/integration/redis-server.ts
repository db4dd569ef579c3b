// A throwaway Redis server for tests: the Debian package `redis-server`, on a free port of 127.0.0.1, with
// a temporary directory, no persistence, and one ACL user (the default user is off), as ElastiCache's RBAC
// has it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findOnPath, freePort, startProcess, TestProcess, waitUntilReady } from './child-processes';

export const REDIS_INSTALL_HINT = 'Install it with `apt-get install -y redis-server` (Debian/Ubuntu).';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>/<database>`, without credentials (they come separately, as on the platform). */
  url(database?: number): string;
  /** The names of all keys of `database`, read with redis-cli as the ACL user. */
  keys(database?: number): string[];
  stop(): Promise<void>;
}

/**
 * Starts redis-server with the ACL user `username`/`password`, allowed what `accessString` says (the
 * syntax of ElastiCache's access strings, which is Redis's ACL rules); fails with its log when it does
 * not come up.
 */
export async function startRedis(binary: string, username: string, password: string,
  accessString = 'on ~* &* +@all'): Promise<RedisServer> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-'));
  const port = await freePort();
  const configFile = path.join(directory, 'redis.conf');
  // The password stays in a file only this user can read, not on a command line.
  fs.writeFileSync(configFile, [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${directory}`,
    'save ""',
    'appendonly no',
    'user default off',
    `user ${username} >${password} ${accessString}`,
    '',
  ].join('\n'), { mode: 0o600 });
  let server: TestProcess | undefined;
  const stop = async () => {
    await server?.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  };
  try {
    server = startProcess('redis-server', binary, [configFile], { cwd: directory, env: { PATH: process.env.PATH } });
    await waitUntilReady(server, async () => /Ready to accept connections/.test(server!.output()), 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const redisCli = findOnPath('redis-cli');
  return {
    port,
    url: (database = 0) => `redis://127.0.0.1:${port}/${database}`,
    keys: (database = 0) => {
      if (!redisCli) {
        throw new Error(`redis-cli is not on PATH. ${REDIS_INSTALL_HINT}`);
      }
      const result = spawnSync(redisCli, ['-h', '127.0.0.1', '-p', String(port), '--user', username, '-n', String(database), '--scan'], {
        encoding: 'utf8', env: { PATH: process.env.PATH, REDISCLI_AUTH: password }, timeout: 10_000,
      });
      if (result.status !== 0) {
        throw new Error(`redis-cli --scan failed: ${result.stderr}`);
      }
      return result.stdout.split('\n').filter(Boolean);
    },
    stop,
  };
}
