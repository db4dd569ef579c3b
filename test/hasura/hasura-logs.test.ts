// The metric filters read Hasura's logs as Hasura writes them. Realistic lines, shaped as Hasura CE
// v2.51 logs them (EngineLog in Hasura/Logging.hs, mkHttpLog in Hasura/Server/Logging.hs: GraphQL errors
// at HTTP 200 with level "error", execution time on successes only), go through the synthesized filter
// patterns. No CloudWatch Logs filter-pattern implementation exists on npm (moto's, in Python, matches
// every JSON pattern), so `matches` below evaluates the documented JSON pattern syntax the patterns use:
// `{ <term> && <term> }` and `||`, terms `$.path = "string"` or `$.path > number`, where a missing
// field or a non-JSON event never matches (CloudWatch Logs User Guide, "Using filter patterns to match
// terms in JSON log events"). An independent evaluator, the crate fakecloud-logs 0.19.1 (crates.io,
// `filter_pattern::matches`), gave the same verdict on all 36 line-and-pattern pairs below; it is not
// run here, as it takes 148 crates and several minutes to build.
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { HASURA_DEFAULT_LOG_TYPES, HASURA_LOG_PATTERNS } from '../../src/hasura/hasura-logs';
import { containerNamed, environmentOf, synthPlatform } from '../util';

/** Whether a CloudWatch Logs JSON filter pattern selects `event`. */
function matches(pattern: string, event: string): boolean {
  const body = /^\{(.*)\}$/s.exec(pattern.trim());
  if (!body) {
    throw new Error(`Not a JSON filter pattern: ${pattern}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(event);
  } catch {
    return false;
  }
  return body[1].split('||').some((conjunction) => conjunction.split('&&').every((term) => holds(term, json)));
}

function holds(term: string, json: unknown): boolean {
  const match = /^\s*\(?\s*\$\.([\w.]+)\s*(=|!=|>=|<=|>|<)\s*("(?:[^"\\]|\\.)*"|-?[\d.]+(?:e-?\d+)?)\s*\)?\s*$/i.exec(term);
  if (!match) {
    throw new Error(`A term this evaluator does not know: ${term}`);
  }
  const [, selector, operator, literal] = match;
  const actual = selector.split('.').reduce<any>((value, key) => (value === null || value === undefined ? undefined : value[key]), json);
  if (actual === undefined || actual === null) {
    return false;
  }
  if (literal.startsWith('"')) {
    const expected = JSON.parse(literal);
    return operator === '=' ? actual === expected : operator === '!=' ? actual !== expected : false;
  }
  if (typeof actual !== 'number') {
    return false;
  }
  const expected = Number(literal);
  return ({
    '=': actual === expected,
    '!=': actual !== expected,
    '>': actual > expected,
    '<': actual < expected,
    '>=': actual >= expected,
    '<=': actual <= expected,
  } as { [op: string]: boolean })[operator];
}

const httpInfo = (status: number, url: string) => ({ status, method: 'POST', ip: '10.0.11.23', url, http_version: 'HTTP/1.1', content_encoding: null });
const userVars = { 'x-hasura-role': 'user', 'x-hasura-user-id': '42' };
const line = (type: string, level: string, detail: object) => JSON.stringify({ timestamp: '2026-11-30T10:15:02.113+0000', level, type, detail });

/** Hasura's lines, each with what the metrics must make of it: [operation, error, slower than 1 s]. */
const LINES: Array<[string, string, [boolean, boolean, boolean]]> = [
  ['a GraphQL query answered in 9 ms (aeson writes small numbers in exponent form)', line('http-log', 'info', {
    request_id: 'a1',
    http_info: httpInfo(200, '/v1/graphql'),
    operation: {
      request_id: 'a1',
      user_vars: userVars,
      response_size: 105,
      uncompressed_response_size: 412,
      request_read_time: 1.42e-4,
      query_execution_time: 9.173e-3,
      query: { type: null },
      request_mode: 'single',
    },
  }).replace('0.009173', '9.173e-3').replace('0.000142', '1.42e-4'), [true, false, false]],
  ['a GraphQL query that took 2.7 s to execute', line('http-log', 'info', {
    request_id: 'a2',
    http_info: httpInfo(200, '/v1/graphql'),
    operation: {
      request_id: 'a2',
      user_vars: userVars,
      response_size: 9210,
      request_read_time: 2.1e-4,
      query_execution_time: 2.7104,
      query: { type: null },
      request_mode: 'single',
    },
  }), [true, false, true]],
  ['an operation of exactly 1 s (not slower than 1 s)', line('http-log', 'info', {
    request_id: 'a3',
    http_info: httpInfo(200, '/v1/graphql'),
    operation: { request_id: 'a3', user_vars: userVars, response_size: 80, query_execution_time: 1, query: { type: null }, request_mode: 'single' },
  }), [true, false, false]],
  ['a GraphQL validation error: HTTP 200, level error, no execution time', line('http-log', 'error', {
    request_id: 'b1',
    http_info: httpInfo(200, '/v1/graphql'),
    operation: {
      request_id: 'b1',
      user_vars: userVars,
      response_size: 116,
      query: { type: null },
      request_mode: 'error',
      error: { path: '$.selectionSet.posts.selectionSet.titel', error: 'field \'titel\' not found in type: \'posts\'', code: 'validation-failed' },
    },
  }), [true, true, false]],
  ['an expired token', line('http-log', 'error', {
    request_id: 'b2',
    http_info: httpInfo(200, '/v1/graphql'),
    operation: {
      request_id: 'b2',
      response_size: 66,
      query: { type: null },
      request_mode: 'error',
      error: { path: '$', error: 'Could not verify JWT: JWTExpired', code: 'invalid-jwt' },
    },
  }), [true, true, false]],
  ['a 500 from the metadata API', line('http-log', 'error', {
    request_id: 'b3',
    http_info: httpInfo(500, '/v1/metadata'),
    operation: {
      request_id: 'b3',
      user_vars: { 'x-hasura-role': 'admin' },
      response_size: 90,
      query: { type: 'replace_metadata' },
      request_mode: 'error',
      error: { path: '$', error: 'database query error', code: 'unexpected', internal: { statement: 'SELECT 1' } },
    },
  }), [true, true, false]],
  ['a batched request: one line, its operations (and their errors) inside', line('http-log', 'info', {
    request_id: 'c1',
    http_info: httpInfo(200, '/v1/graphql'),
    operation: { request_id: 'c1', user_vars: userVars, response_size: 300, request_read_time: 3e-4, request_mode: 'batched' },
    batched_operations: [{ query: { type: null }, response_size: 150, query_execution_time: 0.01 },
      { query: { type: null }, response_size: 150, error: { path: '$', error: 'permission denied', code: 'access-denied' } }],
  }), [true, false, false]],
  ['a websocket operation', line('websocket-log', 'info', {
    websocket_id: 'w1',
    connection_info: { msg: null, token_expiry: null, websocket_id: 'w1' },
    event: { type: 'operation', detail: { operation_id: '1', operation_type: { type: 'started' }, request_id: 'w1-1' } },
  }), [false, false, false]],
  ['the query-log of an operation (its text and variables)', line('query-log', 'info', {
    kind: 'database',
    request_id: 'a2',
    query: { operationName: 'Posts', query: 'query Posts { posts { id title } }', variables: {} },
    generated_sql: { posts: 'SELECT ...' },
  }), [false, false, false]],
  ['a JWK refresh that failed: an error, but no request', line('jwk-refresh-log', 'error', {
    message: 'error fetching JWK', error: { type: 'jwk_fetch_error', info: 'timeout' },
  }), [false, false, false]],
  ['startup', line('startup', 'info', { kind: 'server_configuration', info: { port: 8080, enabled_log_types: HASURA_DEFAULT_LOG_TYPES } }), [false, false, false]],
  ['plain text from the start script', 'Hasura metadata check failed: /healthz?strict=true answered HTTP 500', [false, false, false]],
];

describe('the synthesized metric filters count Hasura\'s lines as the alarms need', () => {
  const { template } = synthPlatform({ platformName: 'blog', monitoring: { hasuraExecutionTimeP99: Duration.seconds(1) } });
  const patterns = Object.fromEntries(Object.values(template.findResources('AWS::Logs::MetricFilter'))
    .map((f: any) => [f.Properties.MetricTransformations[0].MetricName, f.Properties.FilterPattern as string]));

  test('three filters: operations, errors, slow operations', () => {
    expect(Object.keys(patterns).sort()).toEqual(['Errors', 'Operations', 'SlowOperations']);
  });

  test.each(LINES)('%s', (_name, event, [operation, error, slow]) => {
    expect([matches(patterns.Operations, event), matches(patterns.Errors, event), matches(patterns.SlowOperations, event)])
      .toEqual([operation, error, slow]);
  });

  test('every field the patterns select is in Hasura\'s documented http-log lines', () => {
    const documented = LINES.slice(0, 6).map(([, event]) => JSON.parse(event));
    const has = (json: any, selector: string) => selector.split('.').reduce((value, key) => value?.[key], json) !== undefined;
    for (const pattern of Object.values<string>(patterns)) {
      for (const [, selector] of pattern.matchAll(/\$\.([\w.]+)/g)) {
        expect([selector, documented.some((json) => has(json, selector))]).toEqual([selector, true]);
      }
    }
  });

  test('the slow-operation threshold is the option, decimals included', () => {
    expect(HASURA_LOG_PATTERNS.slowerThan(0.25).logPatternString).toBe('{ ($.type = "http-log") && ($.detail.operation.query_execution_time > 0.25) }');
    expect(matches(HASURA_LOG_PATTERNS.slowerThan(0.25).logPatternString, LINES[0][1])).toBe(false);
    expect(matches(HASURA_LOG_PATTERNS.slowerThan(0.005).logPatternString, LINES[0][1])).toBe(true);
  });

  test('the README shows the patterns the platform writes', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const [metric, pattern] of Object.entries(patterns)) {
      expect([metric, readme.includes(`| \`${metric}\` | \`${pattern}\``)]).toEqual([metric, true]);
    }
  });
});

describe('Hasura\'s log types', () => {
  test('http-log, which the filters read, is in Hasura\'s default set, which the platform leaves alone by default', () => {
    expect(HASURA_DEFAULT_LOG_TYPES).toContain('http-log');
    const { template } = synthPlatform({ hasura: { queryLog: true } });
    expect(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_ENABLED_LOG_TYPES)
      .toBe('startup,http-log,webhook-log,websocket-log,jwk-refresh-log,query-log');
  });

  test('query-log is opt-in, and the variable is the platform\'s: a user value could switch http-log off', () => {
    const { template } = synthPlatform();
    expect(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_ENABLED_LOG_TYPES).toBeUndefined();
    expect(() => synthPlatform({ hasura: { environment: { HASURA_GRAPHQL_ENABLED_LOG_TYPES: 'startup' } } }))
      .toThrow('Invalid hasura.environment: "HASURA_GRAPHQL_ENABLED_LOG_TYPES". The platform sets this variable itself');
  });
});
