// The example Next.js app (examples/nextjs-app) as the platform runs it. It is built once with `next build`
// and started with what the synthesized example template gives its Next.js container: the plain
// environment as it is (only the port, the listen address and what points inside the VPC replaced by
// local servers) and a value generated here for each secret name. Around it: a stub Hasura, a real Redis
// (redis-server) that two servers share, a stub CloudFront API and a stub OpenTelemetry collector.
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import * as YAML from 'yaml';
import { findOnPath, freePort, startProcess, TestProcess, waitUntilReady } from './child-processes';
import { REDIS_INSTALL_HINT, RedisServer, startRedis } from './redis-server';
import { exampleContainer, ExampleContainer, exampleTemplate } from '../examples/helpers';

jest.setTimeout(60_000);

const EXAMPLE = 'mix-day';
const APP_DIRECTORY = path.join(__dirname, '..', '..', 'examples', 'nextjs-app');
const STANDALONE_DIRECTORY = path.join(APP_DIRECTORY, '.next', 'standalone');
const QUERY_COLLECTIONS_FILE = path.join(__dirname, '..', '..', 'examples', 'hasura-project', 'metadata', 'query_collections.yaml');

/** What the app reads from its environment, by the names the platform gives them. */
const PLAIN_NAMES_THE_APP_READS = ['PORT', 'HOSTNAME', 'NODE_ENV', 'KEEP_ALIVE_TIMEOUT', 'NEXT_PUBLIC_HASURA_GRAPHQL_URL',
  'HASURA_GRAPHQL_INTERNAL_URL', 'CACHE_REDIS_URL', 'CACHE_REDIS_USERNAME'];
const SECRET_NAMES_THE_APP_READS = ['HASURA_WEBHOOK_SECRET', 'CACHE_REDIS_PASSWORD'];

/** The routes Hasura and operators call with the shared secret. */
const WEBHOOK_ROUTES = ['/api/actions/publish-post', '/api/events/post-created', '/api/revalidate'];

/** Node's own keep-alive timeout is 5 s; the servers close about 1 s after it. */
const IDLE_MS = 7_000;

const REDIS_BINARY = findOnPath('redis-server');
const REDIS_REQUIRED = Boolean(process.env.CI);
if (!REDIS_BINARY && !REDIS_REQUIRED) {
  console.warn(`Skipping the shared-cache tests of the Next.js app: redis-server is not installed. ${REDIS_INSTALL_HINT}`);
}
const testWithRedis = REDIS_BINARY || REDIS_REQUIRED ? test : test.skip;

/** A distribution id for the stub CloudFront API, standing in for the one the platform resolves at deployment. */
const TEST_DISTRIBUTION_ID = 'ETESTDISTRIBUTION';

let platform: ExampleContainer;
/** A value for each secret name of the template, generated for this run. */
const secrets: { [name: string]: string } = {};
const running: { stop(): Promise<void> }[] = [];
let hasura: HasuraStub;
/** Where server C finds Hasura: every connection is closed at once. */
let hasuraDown: ClosingServer;
let cloudFront: CloudFrontStub;
let collector: CollectorStub;
let redis: RedisServer | undefined;
let serverA: NextServer;
let serverB: NextServer;
/** `next start`, with Hasura unreachable, its own Redis database, no CloudFront distribution and tracing on. */
let serverC: NextServer;
let deploymentId: string;

beforeAll(async () => {
  const installing = runToCompletion('npm install', 'npm', ['install', '--no-audit', '--no-fund'], { cwd: APP_DIRECTORY, env: process.env });
  installing.catch(() => undefined); // awaited below, unless the template check fails first
  platform = exampleContainer(EXAMPLE, 'nextjs');
  checkTheTemplateGivesWhatTheAppReads();
  await installing;
  if (!REDIS_BINARY && REDIS_REQUIRED) {
    throw new Error(`redis-server is not installed, and CI needs the shared-cache tests. ${REDIS_INSTALL_HINT}`);
  }
  for (const name of platform.secretNames) {
    secrets[name] = randomBytes(32).toString('base64url');
  }

  deploymentId = `test-${Date.now()}`;
  await runToCompletion('next build', process.execPath, [nextCli(), 'build'], {
    cwd: APP_DIRECTORY,
    env: {
      PATH: process.env.PATH,
      NEXT_TELEMETRY_DISABLED: '1',
      // What the image build gets as build arguments.
      NEXT_PUBLIC_HASURA_GRAPHQL_URL: plainValue('NEXT_PUBLIC_HASURA_GRAPHQL_URL'),
      DEPLOYMENT_ID: deploymentId,
    },
  });

  hasura = track(await HasuraStub.start());
  hasuraDown = track(await ClosingServer.start());
  cloudFront = track(await CloudFrontStub.start());
  collector = track(await CollectorStub.start());
  const redisUsername = typeof platform.environment.CACHE_REDIS_USERNAME === 'string' ? platform.environment.CACHE_REDIS_USERNAME : 'nextjs';
  // The user may do exactly what the template's ElastiCache user may.
  redis = REDIS_BINARY ? track(await startRedis(REDIS_BINARY, redisUsername, secrets.CACHE_REDIS_PASSWORD, cacheAccessString())) : undefined;
  // Without redis-server (outside CI), the servers get a port nothing listens on: every read is a miss.
  const unusedPort = await freePort();
  const redisUrl = (database: number) => redis?.url(database) ?? `redis://127.0.0.1:${unusedPort}/${database}`;
  // Local stand-ins for what points inside the VPC or next to the server, or is known only at deployment.
  const local = {
    HASURA_GRAPHQL_INTERNAL_URL: hasura.url,
    CACHE_REDIS_URL: redisUrl(0),
    CACHE_REDIS_USERNAME: redisUsername,
    CLOUDFRONT_DISTRIBUTION_ID: TEST_DISTRIBUTION_ID,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
  };
  [serverA, serverB, serverC] = await Promise.all([
    startNextServer('standalone server A', 'standalone', { replace: local }),
    startNextServer('standalone server B', 'standalone', { replace: local }),
    startNextServer('next start server C', 'next start', {
      replace: { ...local, HASURA_GRAPHQL_INTERNAL_URL: hasuraDown.url, CACHE_REDIS_URL: redisUrl(1) },
      drop: ['CLOUDFRONT_DISTRIBUTION_ID'],
      add: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
    }),
  ]);
}, 15 * 60_000);

/** The access string of the ElastiCache user the template gives Next.js. */
function cacheAccessString(): string {
  const users = Object.values<any>(exampleTemplate(EXAMPLE).Resources)
    .filter((r) => r.Type === 'AWS::ElastiCache::User' && r.Properties.UserName === platform.environment.CACHE_REDIS_USERNAME);
  if (users.length !== 1) {
    throw new Error(`Expected one ElastiCache user named ${String(platform.environment.CACHE_REDIS_USERNAME)}, found ${users.length}`);
  }
  return users[0].Properties.AccessString;
}

afterAll(async () => {
  for (const part of running.reverse()) {
    await part.stop();
  }
});

describe('health and failure', () => {
  test('the home page renders an error state, and the server keeps serving, while Hasura is unreachable', async () => {
    const attempts = hasuraDown.connections;
    const home = await page(serverC);
    expect(hasuraDown.connections).toBeGreaterThan(attempts);
    expect(home.status).toBe(200);
    expect(home.html).toContain('data-testid="posts-error"');
    expect(home.titles).toEqual([]);
    expect((await fetch(`${serverC.url}/api/health`)).status).toBe(200);
  });

  test("the load balancer's health check path and /api/health answer 200 while Hasura is unreachable", async () => {
    expect(platform.healthCheckPath).toBeDefined();
    const attempts = hasuraDown.connections;
    const health = await fetch(`${serverC.url}/api/health`);
    expect({ status: health.status, body: await health.json() }).toEqual({ status: 200, body: { status: 'ok' } });
    // It answered without trying to reach Hasura.
    expect(hasuraDown.connections).toBe(attempts);
    expect((await fetch(`${serverC.url}${platform.healthCheckPath}`)).status).toBe(200);
  });
});

describe('keep-alive', () => {
  test("an idle keep-alive connection outlives Node's 5 s default, with the platform's KEEP_ALIVE_TIMEOUT", async () => {
    const keepAliveMs = Number(plainValue('KEEP_ALIVE_TIMEOUT'));
    // Below this, the test could not tell the platform's setting from Node's default.
    expect(keepAliveMs).toBeGreaterThan(IDLE_MS + 1_000);
    // The standalone server reads KEEP_ALIVE_TIMEOUT; `next start` got the same value as --keepAliveTimeout.
    const [standalone, nextStart] = await Promise.all([serverA, serverC].map((server) => requestsOnOneConnection(server, IDLE_MS)));
    for (const result of [standalone, nextStart]) {
      expect(result).toEqual({ statuses: [200, 200], secondReusedTheSocket: true, keepAliveHeader: `timeout=${Math.floor(keepAliveMs / 1000)}` });
    }
  });
});

describe('webhooks: Hasura actions and events, and operators', () => {
  test.each(WEBHOOK_ROUTES)('%s answers 401 without X-Webhook-Secret or with a wrong one', async (route) => {
    const before = { hasura: hasura.requests.length, cloudFront: cloudFront.requests };
    const right = secrets.HASURA_WEBHOOK_SECRET;
    const sameLengthButWrong = `${right.slice(0, -1)}${right.endsWith('A') ? 'B' : 'A'}`;
    for (const secret of [undefined, '', randomBytes(8).toString('hex'), sameLengthButWrong]) {
      const response = await postJson(serverA, route, { tag: 'posts' }, { secret });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'missing or wrong X-Webhook-Secret', extensions: { code: 'access-denied' } });
    }
    expect({ hasura: hasura.requests.length, cloudFront: cloudFront.requests }).toEqual(before);
  });

  test('publishPost publishes as the caller whose Authorization Hasura forwarded, and answers PublishPostOutput', async () => {
    const draft = hasura.addDraft('A draft to publish');
    const authorization = `Bearer ${randomBytes(16).toString('hex')}`;
    const response = await postJson(serverA, '/api/actions/publish-post', actionPayload(draft.id), { secret: secrets.HASURA_WEBHOOK_SECRET, authorization });
    expect(response).toEqual({ status: 200, body: { id: draft.id, title: 'A draft to publish', published: true } });
    expect(hasura.requests.at(-1)).toEqual({ operationName: 'PublishPost', query: expect.any(String), variables: { id: draft.id }, authorization });

    const missing = await postJson(serverA, '/api/actions/publish-post', actionPayload(randomUUID()), { secret: secrets.HASURA_WEBHOOK_SECRET, authorization });
    expect(missing.status).toBe(404);
    expect(missing.body.extensions).toEqual({ code: 'not-found' });
  });

  testWithRedis('a new published post (post_created) refreshes the post list on every server, and CloudFront when the platform gives a distribution', async () => {
    hasura.posts = [];
    hasura.publish('Hello, Hasura');
    await revalidate(serverA, 'posts');
    const cached = await page(serverB);
    expect(cached.titles).toEqual(['Hello, Hasura']);
    await pageInRedis();

    const second = hasura.publish('Events reach Next.js');
    // Server A serves B's render from the shared cache: the new post is not in it yet.
    expect(await page(serverA)).toMatchObject({ titles: ['Hello, Hasura'], renderedAt: cached.renderedAt });
    const event = eventPayload(second, true);
    const response = await postJson(serverA, '/api/events/post-created', event, { secret: secrets.HASURA_WEBHOOK_SECRET });

    const distributionGiven = 'CLOUDFRONT_DISTRIBUTION_ID' in platform.environment;
    expect(response).toEqual({ status: 200, body: { revalidated: ['posts'], invalidation: distributionGiven ? expect.stringMatching(/^I/) : null } });
    expect(cloudFront.invalidations.filter((invalidation) => invalidation.callerReference === event.id)).toEqual(distributionGiven
      ? [{ distributionId: TEST_DISTRIBUTION_ID, paths: ['/'], callerReference: event.id }]
      : []);
    const fresh = await page(serverB);
    expect(fresh.titles).toEqual(['Events reach Next.js', 'Hello, Hasura']);
    expect(fresh.renderedAt > cached.renderedAt).toBe(true);
  });

  testWithRedis('a new draft (post_created, not published) leaves the cached post list alone', async () => {
    const before = await page(serverB);
    await pageInRedis();
    expect((await page(serverB)).renderedAt).toBe(before.renderedAt);
    const draft = hasura.addDraft('Not yet');
    const response = await postJson(serverA, '/api/events/post-created', eventPayload(draft, false), { secret: secrets.HASURA_WEBHOOK_SECRET });
    expect(response).toEqual({ status: 200, body: { revalidated: [], invalidation: null } });
    expect((await page(serverB)).renderedAt).toBe(before.renderedAt);
  });

  test('without CLOUDFRONT_DISTRIBUTION_ID a published post calls no AWS API', async () => {
    const requests = cloudFront.requests;
    const post = hasura.publish('No CDN here');
    const response = await postJson(serverC, '/api/events/post-created', eventPayload(post, true), { secret: secrets.HASURA_WEBHOOK_SECRET });
    expect(response).toEqual({ status: 200, body: { revalidated: ['posts'], invalidation: null } });
    expect(cloudFront.requests).toBe(requests);
  });
});

describe('two servers, one cache', () => {
  testWithRedis('a tag revalidated on server A is fresh on server B', async () => {
    hasura.posts = [];
    const first = hasura.publish('Before the change');
    await revalidate(serverA, 'posts');
    const onA = await page(serverA);
    expect(onA.titles).toEqual([first.title]);
    // The build inlined the template's public GraphQL URL, and took the deployment id.
    expect(onA.graphqlUrl).toBe(plainValue('NEXT_PUBLIC_HASURA_GRAPHQL_URL'));
    expect(onA.deploymentId).toBe(deploymentId);

    // Every key shares one hash tag, so the handler's multi-key commands stay in one cluster slot.
    const keys = await pageInRedis();
    expect(keys.filter((key) => !key.startsWith('{nextjs}:'))).toEqual([]);

    expect(await page(serverB)).toMatchObject({ titles: [first.title], renderedAt: onA.renderedAt });
    const second = hasura.publish('After the change');
    expect(await page(serverB)).toMatchObject({ titles: [first.title], renderedAt: onA.renderedAt });

    await revalidate(serverA, 'posts');
    const fresh = await page(serverB);
    expect(fresh.titles).toEqual([second.title, first.title]);
    expect(fresh.renderedAt > onA.renderedAt).toBe(true);
  });
});

describe('tracing', () => {
  test("traces reach the OTLP endpoint and continue the load balancer's X-Ray trace", async () => {
    const traceId = `${Math.floor(Date.now() / 1000).toString(16)}${randomBytes(12).toString('hex')}`;
    const header = `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
    expect((await fetch(`${serverC.url}/api/health`, { headers: { 'x-amzn-trace-id': header } })).status).toBe(200);
    await collector.waitForTrace(traceId, 30_000);
  });
});

describe('allow-list', () => {
  test("every GraphQL operation the app sends is in the Hasura project's query collections", async () => {
    await revalidate(serverA, 'posts');
    await page(serverA);
    const draft = hasura.addDraft('Allowed');
    const authorization = `Bearer ${randomBytes(16).toString('hex')}`;
    expect((await postJson(serverA, '/api/actions/publish-post', actionPayload(draft.id), { secret: secrets.HASURA_WEBHOOK_SECRET, authorization })).status).toBe(200);

    const allowed = queryCollectionDocuments();
    const sent = [...new Set(hasura.requests.map((request) => normalizeDocument(request.query)))];
    expect(new Set(hasura.requests.map((request) => request.operationName))).toEqual(new Set(['PublishedPosts', 'PublishPost']));
    expect(sent.filter((document) => !allowed.includes(document))).toEqual([]);
    // The home page asks as Hasura's `public` role: without credentials.
    const homePageRequests = hasura.requests.filter((request) => request.operationName === 'PublishedPosts');
    expect(homePageRequests.length).toBeGreaterThan(0);
    expect(homePageRequests.filter((request) => request.authorization !== undefined)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The template

/** Fails, before anything is built, naming each variable the app reads that the template does not give. */
function checkTheTemplateGivesWhatTheAppReads(): void {
  const missing = [
    ...PLAIN_NAMES_THE_APP_READS.filter((name) => !(name in platform.environment)).map((name) => `${name} (plain environment)`),
    ...SECRET_NAMES_THE_APP_READS.filter((name) => !platform.secretNames.includes(name)).map((name) => `${name} (secret)`),
  ];
  if (missing.length > 0) {
    throw new Error(missing.map((name) => `the template gives Next.js ${name}: missing from the nextjs container of examples/${EXAMPLE}`).join('\n')
      + `\nIt gives: ${Object.keys(platform.environment).join(', ')}; secrets: ${platform.secretNames.join(', ')}`);
  }
}

/** A plain value of the template that is known at synth time. */
function plainValue(name: string): string {
  const value = platform.environment[name];
  if (typeof value !== 'string') {
    throw new Error(`${name} is ${JSON.stringify(value)} in the template; the test needs a value known at synth time`);
  }
  return value;
}

interface EnvironmentChanges {
  /** Local values for variables the template may give (used only where it does). */
  readonly replace: { [name: string]: string };
  /** Variables of the template left out. */
  readonly drop?: string[];
  /** Variables the template does not give. */
  readonly add?: { [name: string]: string };
}

/**
 * The template's plain environment with `changes`, a generated value for every secret name, and what keeps
 * the AWS SDK local: the stub CloudFront endpoint and throwaway credentials, no shared config files.
 * A value resolved only at deployment (a CloudFormation expression) must have a local replacement.
 */
function serverEnvironment(port: number, changes: EnvironmentChanges): NodeJS.ProcessEnv {
  const environment: { [name: string]: string } = {};
  for (const [name, value] of Object.entries(platform.environment)) {
    if (changes.drop?.includes(name)) {
      continue;
    }
    const local = name === 'PORT' ? String(port) : name === 'HOSTNAME' ? '127.0.0.1' : changes.replace[name] ?? value;
    if (typeof local !== 'string') {
      throw new Error(`${name} is resolved at deployment (${JSON.stringify(value)}); give it a local value`);
    }
    environment[name] = local;
  }
  return {
    ...environment,
    ...changes.add,
    ...secrets,
    PATH: process.env.PATH,
    NEXT_TELEMETRY_DISABLED: '1',
    AWS_ENDPOINT_URL_CLOUDFRONT: cloudFront.url,
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: randomBytes(20).toString('hex'),
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

// ---------------------------------------------------------------------------------------------------
// The Next.js servers

interface NextServer {
  readonly url: string;
  readonly port: number;
  readonly process: TestProcess;
}

function nextCli(): string {
  return require.resolve('next/dist/bin/next', { paths: [APP_DIRECTORY] });
}

async function startNextServer(name: string, mode: 'standalone' | 'next start', changes: EnvironmentChanges): Promise<NextServer> {
  const port = await freePort();
  const env = serverEnvironment(port, changes);
  const serverProcess = mode === 'standalone'
    ? startProcess(name, process.execPath, [path.join(STANDALONE_DIRECTORY, 'server.js')], { cwd: STANDALONE_DIRECTORY, env })
    // `next start` does not read KEEP_ALIVE_TIMEOUT or HOSTNAME: it takes them as options.
    : startProcess(name, process.execPath, [nextCli(), 'start', '--hostname', '127.0.0.1', '--port', String(port),
      '--keepAliveTimeout', plainValue('KEEP_ALIVE_TIMEOUT')], { cwd: APP_DIRECTORY, env });
  track(serverProcess);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(serverProcess, async () => (await fetch(`${url}/api/health`)).status === 200);
  return { url, port, process: serverProcess };
}

/** Runs a command to its end; fails with its output unless it exits with 0. */
async function runToCompletion(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  const child = track(startProcess(name, command, args, options));
  const code = await new Promise((resolve) => child.child.once('exit', (exitCode) => resolve(exitCode)));
  if (code !== 0) {
    throw new Error(`${name} failed (exit ${code}):\n${child.output()}`);
  }
}

interface Page {
  readonly status: number;
  readonly html: string;
  readonly titles: string[];
  readonly renderedAt: string;
  readonly graphqlUrl?: string;
  /** The deployment id Next wrote into the HTML. */
  readonly deploymentId?: string;
}

async function page(server: NextServer): Promise<Page> {
  const response = await fetch(`${server.url}/`);
  const html = await response.text();
  const titles = [...html.matchAll(/data-testid="post-title">([^<]*)</g)].map((match) => match[1]);
  const renderedAt = /data-testid="rendered-at" dateTime="([^"]+)"/.exec(html)?.[1];
  if (!renderedAt) {
    throw new Error(`No rendered-at marker in the page of ${server.process.name} (HTTP ${response.status}):\n${html}\n${server.process.output()}`);
  }
  const graphqlUrl = /data-testid="graphql-url">([^<]*)</.exec(html)?.[1];
  const deploymentIdInHtml = /data-dpl-id="([^"]+)"/.exec(html)?.[1];
  return { status: response.status, html, titles, renderedAt, graphqlUrl, deploymentId: deploymentIdInHtml };
}

async function postJson(server: NextServer, route: string, body: unknown,
  options: { secret?: string; authorization?: string }): Promise<{ status: number; body: any }> {
  const headers: { [name: string]: string } = { 'content-type': 'application/json' };
  if (options.secret !== undefined) {
    headers['x-webhook-secret'] = options.secret;
  }
  if (options.authorization !== undefined) {
    headers.authorization = options.authorization;
  }
  const response = await fetch(`${server.url}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** Waits until a rendered page is in the shared cache (written after the response); returns every key. */
async function pageInRedis(): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const keys = redis!.keys(0);
    if (keys.some((key) => key.includes('APP_PAGE'))) {
      return keys;
    }
    if (Date.now() > deadline) {
      throw new Error(`No rendered page in Redis within 10 s; keys: ${keys.join(', ') || 'none'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function revalidate(server: NextServer, tag: string): Promise<void> {
  const response = await postJson(server, '/api/revalidate', { tag }, { secret: secrets.HASURA_WEBHOOK_SECRET });
  expect(response).toEqual({ status: 200, body: { revalidated: [tag] } });
}

/** Two requests on one keep-alive connection, `idleMs` apart. */
async function requestsOnOneConnection(server: NextServer, idleMs: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () => new Promise<{ status: number; reused: boolean; keepAlive?: string }>((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: server.port, path: '/api/health', agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, reused: request.reusedSocket, keepAlive: response.headers['keep-alive'] as string | undefined }));
    });
    request.on('error', reject);
  });
  try {
    const first = await get();
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const second = await get();
    return { statuses: [first.status, second.status], secondReusedTheSocket: second.reused, keepAliveHeader: first.keepAlive };
  } finally {
    agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------
// Hasura's requests, as its documentation shows them

function actionPayload(postId: string) {
  return {
    action: { name: 'publishPost' },
    input: { postId },
    session_variables: { 'x-hasura-role': 'user', 'x-hasura-user-id': randomUUID() },
    request_query: `mutation { publishPost(postId: "${postId}") { id title published } }`,
  };
}

function eventPayload(post: StubPost, published: boolean) {
  return {
    id: randomUUID(),
    created_at: new Date().toISOString(),
    trigger: { name: 'post_created' },
    table: { schema: 'public', name: 'posts' },
    delivery_info: { current_retry: 0, max_retries: 5 },
    event: {
      op: 'INSERT',
      data: { old: null, new: { id: post.id, author_id: randomUUID(), title: post.title, body: '', published, created_at: post.created_at } },
      session_variables: { 'x-hasura-role': 'user' },
      trace_context: { trace_id: randomBytes(8).toString('hex'), span_id: randomBytes(8).toString('hex') },
    },
  };
}

/** The documents of the project's query collections, normalized like `normalizeDocument`. */
function queryCollectionDocuments(): string[] {
  const collections = YAML.parse(fs.readFileSync(QUERY_COLLECTIONS_FILE, 'utf8'));
  return collections.flatMap((collection: any) => collection.definition.queries.map((query: any) => normalizeDocument(query.query)));
}

/** A GraphQL document with its whitespace runs collapsed. */
function normalizeDocument(document: string): string {
  return document.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------
// Stubs of what the app calls

interface StubPost {
  readonly id: string;
  readonly title: string;
  readonly created_at: string;
  readonly author: { readonly name: string };
}

interface HasuraRequest {
  readonly operationName?: string;
  readonly query: string;
  readonly variables?: unknown;
  readonly authorization?: string;
}

/** A local HTTP server; `handle` answers each request with its full body read. */
type StubAnswer = { status: number; body: string; headers?: http.OutgoingHttpHeaders };

async function startHttpServer(handle: (request: http.IncomingMessage, body: Buffer) => StubAnswer) {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const answer = handle(request, Buffer.concat(chunks));
      response.writeHead(answer.status, answer.headers ?? { 'content-type': 'application/json' });
      response.end(answer.body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Hasura's GraphQL endpoint, answering the operations the app sends from its own data. */
class HasuraStub {
  static async start(): Promise<HasuraStub> {
    const stub = new HasuraStub();
    const server = await startHttpServer((request, body) => stub.answer(request, JSON.parse(body.toString('utf8'))));
    stub.url = `${server.url}/v1/graphql`;
    stub.stop = server.stop;
    return stub;
  }

  /** What the `public` role sees: published posts, newest first. */
  public posts: StubPost[] = [];
  public readonly requests: HasuraRequest[] = [];
  public url = '';
  private readonly drafts = new Map<string, StubPost>();
  public stop: () => Promise<void> = async () => undefined;

  publish(title: string): StubPost {
    const post = this.newPost(title);
    this.posts = [post, ...this.posts];
    return post;
  }

  addDraft(title: string): StubPost {
    const post = this.newPost(title);
    this.drafts.set(post.id, post);
    return post;
  }

  private newPost(title: string): StubPost {
    return { id: randomUUID(), title, created_at: new Date().toISOString(), author: { name: 'Ada' } };
  }

  private answer(request: http.IncomingMessage, body: { query: string; variables?: any }) {
    const operationName = /^\s*(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1];
    this.requests.push({ operationName, query: body.query, variables: body.variables, authorization: request.headers.authorization });
    const reply = (data: unknown) => ({ status: 200, body: JSON.stringify(data) });
    if (operationName === 'PublishedPosts') {
      return reply({ data: { posts: this.posts } });
    }
    if (operationName === 'PublishPost') {
      const draft = this.drafts.get(body.variables?.id);
      return reply({ data: { update_posts_by_pk: draft ? { id: draft.id, title: draft.title, published: true } : null } });
    }
    return reply({ errors: [{ message: `unknown operation ${operationName}`, extensions: { code: 'validation-failed' } }] });
  }
}

/** A TCP server that closes every connection at once and counts them: a Hasura that is down. */
class ClosingServer {
  static async start(): Promise<ClosingServer> {
    const stub = new ClosingServer();
    const server = net.createServer((socket) => {
      stub.connections++;
      socket.destroy();
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    stub.url = `http://127.0.0.1:${port}/v1/graphql`;
    stub.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return stub;
  }

  public connections = 0;
  public url = '';
  public stop: () => Promise<void> = async () => undefined;
}

/** CloudFront's CreateInvalidation (REST/XML API 2020-05-31). */
class CloudFrontStub {
  static async start(): Promise<CloudFrontStub> {
    const stub = new CloudFrontStub();
    const server = await startHttpServer((request, body) => stub.answer(request, body.toString('utf8')));
    stub.url = server.url;
    stub.stop = server.stop;
    return stub;
  }

  public readonly invalidations: { distributionId: string; paths: string[]; callerReference?: string }[] = [];
  public requests = 0;
  public url = '';
  public stop: () => Promise<void> = async () => undefined;

  private answer(request: http.IncomingMessage, xml: string) {
    this.requests++;
    const distributionId = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/.exec(request.url ?? '')?.[1];
    if (request.method !== 'POST' || !distributionId) {
      return { status: 404, body: '', headers: {} };
    }
    const callerReference = /<CallerReference>([^<]*)<\/CallerReference>/.exec(xml)?.[1];
    const paths = [...xml.matchAll(/<Path>([^<]*)<\/Path>/g)].map((match) => match[1]);
    this.invalidations.push({ distributionId, paths, callerReference });
    const id = `I${randomBytes(6).toString('hex').toUpperCase()}`;
    return {
      status: 201,
      headers: { 'content-type': 'text/xml', 'location': `${this.url}${request.url}/${id}` },
      body: '<?xml version="1.0" encoding="UTF-8"?>'
        + '<Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">'
        + `<Id>${id}</Id><Status>InProgress</Status><CreateTime>${new Date().toISOString()}</CreateTime>`
        + `<InvalidationBatch><Paths><Quantity>${paths.length}</Quantity><Items>${paths.map((p) => `<Path>${p}</Path>`).join('')}</Items></Paths>`
        + `<CallerReference>${callerReference}</CallerReference></InvalidationBatch></Invalidation>`,
    };
  }
}

/** An OpenTelemetry collector's OTLP/HTTP receiver: keeps every export. */
class CollectorStub {
  static async start(): Promise<CollectorStub> {
    const stub = new CollectorStub();
    const server = await startHttpServer((request, body) => {
      stub.exports.push({ path: request.url ?? '', body });
      return { status: 200, body: '{}' };
    });
    stub.url = server.url;
    stub.stop = server.stop;
    return stub;
  }

  public readonly exports: { path: string; body: Buffer }[] = [];
  public url = '';
  public stop: () => Promise<void> = async () => undefined;

  /** Waits for an export of traces with the trace id `traceId` (32 hex digits), in protobuf or JSON. */
  async waitForTrace(traceId: string, timeoutMs: number): Promise<void> {
    const raw = Buffer.from(traceId, 'hex');
    const deadline = Date.now() + timeoutMs;
    while (!this.exports.some((e) => e.path === '/v1/traces' && (e.body.includes(raw) || e.body.toString('latin1').includes(traceId)))) {
      if (Date.now() > deadline) {
        throw new Error(`No trace ${traceId} within ${timeoutMs / 1000} s; exports: ${this.exports.map((e) => `${e.path} (${e.body.length} bytes)`).join(', ') || 'none'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function track<T extends { stop(): Promise<void> }>(part: T): T {
  running.push(part);
  return part;
}
