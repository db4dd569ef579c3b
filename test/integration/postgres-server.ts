import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findOnPath, freePort } from './child-processes';

/** How to get the tools these tests need, shown whenever one is missing. */
export const INSTALL_HINT = 'Install PostgreSQL server and client and openssl, e.g. with `.ci/install-postgres.sh` '
  + '(Debian/Ubuntu: `apt-get install postgresql postgresql-client openssl`), '
  + 'or point PG_BIN_DIR at a directory holding initdb, postgres, pg_isready and psql.';

const SERVER_PROGRAMS = ['initdb', 'postgres', 'pg_isready', 'psql'];

/** The bootstrap superuser, deliberately not `postgres`, so that name stays free for the platform's user. */
export const SUPERUSER = 'test_superuser';

/** Environment for child processes: nothing from the caller's `PG*` variables, no `~/.pgpass`, no psqlrc. */
export function cleanEnvironment(extra: { [name: string]: string } = {}): { [name: string]: string } {
  const env: { [name: string]: string } = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('PG') && !name.startsWith('PLATFORM_DB_') && !name.startsWith('HASURA_')) {
      env[name] = value;
    }
  }
  return { ...env, PGPASSFILE: '/nonexistent/pgpass', PSQLRC: '/nonexistent/psqlrc', ...extra };
}

function hasPrograms(dir: string): boolean {
  return SERVER_PROGRAMS.every((program) => {
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function compareVersionsDescending(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (diff !== 0) {
      return diff;
    }
  }
  return 0;
}

/**
 * The directory with the real PostgreSQL server programs: `PG_BIN_DIR`, else the newest
 * `/usr/lib/postgresql/<version>/bin` (Debian), else `pg_config --bindir`, else a `PATH` entry
 * (resolving symbolic links, since Debian's `/usr/bin/psql` style wrappers are not the programs).
 */
export function findPostgresBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN_DIR) {
    candidates.push(process.env.PG_BIN_DIR);
  }
  const debianRoot = '/usr/lib/postgresql';
  if (fs.existsSync(debianRoot)) {
    const versions = fs.readdirSync(debianRoot).filter((v) => /^\d+(\.\d+)*$/.test(v)).sort(compareVersionsDescending);
    candidates.push(...versions.map((v) => path.join(debianRoot, v, 'bin')));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) {
    candidates.push(pgConfig.stdout.trim());
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const initdb = path.join(dir, 'initdb');
    if (fs.existsSync(initdb)) {
      candidates.push(path.dirname(fs.realpathSync(initdb)));
    }
  }
  const found = candidates.find(hasPrograms);
  if (!found) {
    throw new Error(`PostgreSQL server programs (${SERVER_PROGRAMS.join(', ')}) not found in ${candidates.join(', ') || 'any known place'}. ${INSTALL_HINT}`);
  }
  return found;
}

/** Full path of `program` on `PATH`, or an error that says how to install it. */
export function requireOnPath(program: string): string {
  const found = findOnPath(program);
  if (!found) {
    throw new Error(`\`${program}\` is not on PATH. ${INSTALL_HINT}`);
  }
  return found;
}

function describeFailure(what: string, result: SpawnSyncReturns<string>): string {
  return `${what} failed (exit ${result.status}${result.signal ? `, signal ${result.signal}` : ''}${result.error ? `, ${result.error.message}` : ''}):\n${result.stdout ?? ''}${result.stderr ?? ''}`;
}

/** A running PostgreSQL server that requires TLS and SCRAM passwords for TCP connections. */
export interface TlsPostgres {
  readonly binDir: string;
  /** Always 127.0.0.1. */
  readonly host: string;
  readonly port: number;
  /** Temporary directory with data, socket, certificate and log; removed by `stop`. */
  readonly baseDir: string;
  /** The server's self-signed certificate (for 127.0.0.1 and localhost), its own certificate authority. */
  readonly certFile: string;
  /** Runs SQL (from standard input, so nothing is interpreted by a shell) as the superuser over the Unix socket. */
  superuserSql(sql: string, database?: string): string;
  /** Stops the server (fast shutdown) and removes `baseDir`. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a throwaway PostgreSQL server: self-signed certificate, `ssl = on`, listening on 127.0.0.1 on a free
 * port, non-TLS TCP rejected by pg_hba, TLS TCP authenticated with scram-sha-256, the superuser trusted on the
 * Unix socket only. The postmaster is a child of this process, so stopping it is waiting for it to exit.
 * As root the server programs run as the `postgres` OS user (`PG_TEST_OS_USER` overrides), since initdb and
 * postgres refuse to run as root; the temporary directory then belongs to that user.
 */
export async function startTlsPostgres(): Promise<TlsPostgres> {
  const binDir = findPostgresBinDir();
  const openssl = requireOnPath('openssl');
  const isRoot = process.getuid?.() === 0;
  const osUser = isRoot ? (process.env.PG_TEST_OS_USER ?? 'postgres') : undefined;
  let owner: { uid: number; gid: number } | undefined;
  if (osUser) {
    const id = (flag: string) => spawnSync('id', [flag, osUser], { encoding: 'utf8' });
    const uid = id('-u');
    const gid = id('-g');
    if (uid.status !== 0 || gid.status !== 0) {
      throw new Error(`Running as root, the PostgreSQL server must run as an unprivileged OS user, but user "${osUser}" does not exist `
        + `(the Debian postgresql package creates "postgres"; PG_TEST_OS_USER names another one). ${INSTALL_HINT}`);
    }
    owner = { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }

  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-tls-'));
  const dataDir = path.join(baseDir, 'data');
  const socketDir = path.join(baseDir, 'socket');
  const certFile = path.join(baseDir, 'server.crt');
  const keyFile = path.join(baseDir, 'server.key');
  const logFile = path.join(baseDir, 'server.log');
  const env = cleanEnvironment({ LC_ALL: 'C', LANG: 'C' });
  /** Options that run a server program as the server's OS user (switching user only when running as root). */
  const asServerUser = { cwd: baseDir, env: { ...env, HOME: baseDir }, ...owner };
  let server: ChildProcess | undefined;
  /** Should this process end without `stop`, the server still gets an immediate shutdown. */
  const stopOnExit = () => server?.kill('SIGQUIT');
  process.once('exit', stopOnExit);

  const mustRun = (what: string, result: SpawnSyncReturns<string>) => {
    if (result.status !== 0) {
      throw new Error(describeFailure(what, result));
    }
    return result.stdout;
  };
  const serverLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '(no server log)');

  const stop = async () => {
    const running = server;
    server = undefined;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGINT'); // fast shutdown
      const timer = setTimeout(() => running.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', stopOnExit);
    fs.rmSync(baseDir, { recursive: true, force: true });
  };

  /** Starts the postmaster on `port`; undefined when it exits before accepting connections. */
  const startServer = async (port: number): Promise<ChildProcess | undefined> => {
    const log = fs.openSync(logFile, 'w');
    const child = spawn(path.join(binDir, 'postgres'), ['-D', dataDir], { ...asServerUser, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    server = child;
    const deadline = Date.now() + 30_000;
    while (child.exitCode === null && child.signalCode === null) {
      const ready = spawnSync(path.join(binDir, 'pg_isready'), ['-q', '-h', socketDir, '-p', String(port), '-U', SUPERUSER, '-d', 'postgres'], { env });
      if (ready.status === 0) {
        return child;
      }
      if (Date.now() > deadline) {
        throw new Error(`PostgreSQL did not accept connections within 30 s. Server log:\n${serverLog()}`);
      }
      await sleep(50);
    }
    server = undefined;
    return undefined;
  };

  try {
    fs.mkdirSync(socketDir);
    mustRun('openssl req', spawnSync(openssl, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { env, encoding: 'utf8', timeout: 60_000 }));
    fs.chmodSync(keyFile, 0o600);
    if (owner) {
      for (const file of [baseDir, socketDir, certFile, keyFile]) {
        fs.chownSync(file, owner.uid, owner.gid);
      }
    }

    mustRun('initdb', spawnSync(path.join(binDir, 'initdb'), [
      '-D', dataDir, '-U', SUPERUSER, '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions',
      '--auth-local=trust', '--auth-host=reject',
    ], { ...asServerUser, encoding: 'utf8', timeout: 60_000 }));
    // initdb created both files as the server's user; rewriting them keeps owner and mode.
    fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), [
      '# TYPE    DATABASE  USER             ADDRESS       METHOD',
      `local     all       ${SUPERUSER}                    trust`,
      'local     all       all                            reject',
      'hostnossl all       all              0.0.0.0/0     reject',
      'hostnossl all       all              ::/0          reject',
      'hostssl   all       all              127.0.0.1/32  scram-sha-256',
      '',
    ].join('\n'));

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      fs.writeFileSync(path.join(dataDir, 'postgresql.auto.conf'), [
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${socketDir}'`,
        'ssl = on',
        `ssl_cert_file = '${certFile}'`,
        `ssl_key_file = '${keyFile}'`,
        "password_encryption = 'scram-sha-256'",
        'max_connections = 20',
        'shared_buffers = 16MB',
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'log_connections = on',
        '',
      ].join('\n'));
      if (await startServer(port)) {
        const superuserSql = (sql: string, database = 'postgres') => mustRun('psql as superuser', spawnSync(
          path.join(binDir, 'psql'),
          ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-U', SUPERUSER, '-d', database, '-f', '-'],
          { input: sql, env, encoding: 'utf8', timeout: 60_000 },
        ));
        return { binDir, host: '127.0.0.1', port, baseDir, certFile, superuserSql, stop };
      }
      const log = serverLog();
      // Another process may have taken the port between choosing and binding it: try another one.
      if (attempt >= 3 || !/could not bind|already in use/i.test(log)) {
        throw new Error(`PostgreSQL exited while starting. Server log:\n${log}`);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
