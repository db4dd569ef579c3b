// The script that ends every project apply, run with `sh` against a stand-in for graphql-engine: a
// Node.js server that answers /healthz and the metadata API as the test tells it, and records what the
// script sent. The deploy succeeds only when the script exits 0.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { HASURA_METADATA_CHECK_SCRIPT, RELOAD_RECREATING_EVENT_TRIGGERS } from '../../src/hasura/start-script';

/** Each case starts a shell and a stand-in server: a slow machine needs more than the default 5 s. */
const TIMEOUT_MS = 30_000;

interface StubBehaviour {
  /** Status and body of `/healthz?strict=true`. */
  readonly strict: [number, string];
  /** Status of the metadata reload. */
  readonly reload: number;
  /** Exit at once instead of serving. */
  readonly crash?: boolean;
}

interface ScriptRun {
  readonly exitCode: number | null;
  readonly output: string;
  /** The requests the stand-in received: method, path, admin secret header and body. */
  readonly requests: { method: string; url: string; adminSecret?: string; body: string }[];
}

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-check-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

/** A graphql-engine stand-in: `serve --server-port <port>` starts an HTTP server that logs requests to `log`. */
function writeStub(behaviour: StubBehaviour, log: string): string {
  const stub = path.join(directory, `graphql-engine-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(stub, [
    `#!${process.execPath}`,
    'const http = require("http"); const fs = require("fs");',
    `const behaviour = ${JSON.stringify(behaviour)};`,
    'if (behaviour.crash) process.exit(3);',
    'const port = Number(process.argv[process.argv.indexOf("--server-port") + 1]);',
    'const host = process.argv[process.argv.indexOf("--server-host") + 1];',
    'http.createServer((req, res) => {',
    '  let body = ""; req.on("data", (c) => body += c); req.on("end", () => {',
    `    fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ method: req.method, url: req.url, adminSecret: req.headers["x-hasura-admin-secret"], body }) + "\\n");`,
    '    if (req.url === "/healthz?strict=true") { res.writeHead(behaviour.strict[0]); res.end(behaviour.strict[1]); }',
    '    else if (req.url === "/healthz") { res.writeHead(200); res.end("OK"); }',
    '    else if (req.url === "/v1/metadata") { res.writeHead(behaviour.reload); res.end(behaviour.reload === 200 ? "{\\"message\\":\\"success\\"}" : "{\\"error\\":\\"bad\\"}"); }',
    '    else { res.writeHead(404); res.end(); }',
    '  });',
    '}).listen(port, host);',
    'process.on("SIGTERM", () => process.exit(0));',
  ].join('\n'), { mode: 0o755 });
  return stub;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function runScript(behaviour: StubBehaviour): Promise<ScriptRun> {
  const log = path.join(directory, `requests-${Math.random().toString(36).slice(2)}.log`);
  fs.writeFileSync(log, '');
  const child = spawn('sh', ['-c', HASURA_METADATA_CHECK_SCRIPT], {
    env: {
      PATH: process.env.PATH,
      HGE_BINARY: writeStub(behaviour, log),
      HASURA_GRAPHQL_ADMIN_SECRET: 'admin-secret-of-the-test',
      HASURA_METADATA_CHECK_PORT: String(await freePort()),
      HASURA_METADATA_CHECK_TIMEOUT: '20',
    },
  });
  let output = '';
  child.stdout.on('data', (chunk) => output += chunk);
  child.stderr.on('data', (chunk) => output += chunk);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const requests = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  return { exitCode, output, requests };
}

test('consistent metadata: the event triggers are recreated, then the strict check passes and the script exits 0', async () => {
  const run = await runScript({ strict: [200, 'OK'], reload: 200 });
  expect(run.exitCode).toBe(0);
  expect(run.output).toContain('Hasura metadata is consistent');
  const reload = run.requests.find((request) => request.url === '/v1/metadata')!;
  expect(reload.method).toBe('POST');
  expect(reload.adminSecret).toBe('admin-secret-of-the-test');
  expect(JSON.parse(reload.body)).toEqual(RELOAD_RECREATING_EVENT_TRIGGERS);
  expect(RELOAD_RECREATING_EVENT_TRIGGERS.args.recreate_event_triggers).toBe(true);
  // The strict check comes after the reload, so it judges the reloaded metadata.
  const urls = run.requests.map((request) => request.url);
  expect(urls.lastIndexOf('/healthz?strict=true')).toBeGreaterThan(urls.indexOf('/v1/metadata'));
}, TIMEOUT_MS);

test('inconsistent metadata fails the deploy, with what Hasura answered', async () => {
  const run = await runScript({ strict: [500, 'ERROR'], reload: 200 });
  expect(run.exitCode).toBe(1);
  expect(run.output).toContain('/healthz?strict=true answered HTTP 500: ERROR');
}, TIMEOUT_MS);

test('a failed reload fails the deploy even when the check would pass', async () => {
  const run = await runScript({ strict: [200, 'OK'], reload: 400 });
  expect(run.exitCode).toBe(1);
  expect(run.output).toContain('Hasura metadata reload failed: HTTP 400');
}, TIMEOUT_MS);

test('an engine that exits before answering fails the deploy', async () => {
  const run = await runScript({ strict: [200, 'OK'], reload: 200, crash: true });
  expect(run.exitCode).toBe(1);
  expect(run.output).toContain('graphql-engine exited before answering /healthz');
}, TIMEOUT_MS);
