// A project's metadata held against the platform that serves it: the environment it reads, the
// allow-list and the RESTified endpoints.
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { HasuraProject } from '../../src';
import { checkMetadataAgainstPlatform, MetadataCheckContext } from '../../src/hasura/metadata-checks';
import { loadHasuraProject } from '../../src/hasura/project-checks';
import { testStack } from '../util';
import { removeProjects, writeProject } from './fixtures';

afterAll(removeProjects);

const PLATFORM_VARIABLES = ['NEXTJS_INTERNAL_URL', 'HASURA_WEBHOOK_SECRET', 'HASURA_GRAPHQL_DATABASE_URL'];

const ACTIONS = (handler: string, header: string) => [
  'actions:',
  '  - name: publishPost',
  '    definition:',
  '      kind: synchronous',
  `      handler: '${handler}'`,
  '      headers:',
  `        - ${header}`,
  'custom_types: {}',
  '',
].join('\n');

const TRIGGER_TABLE = (webhook: string) => [
  'table:',
  '  name: notes',
  '  schema: public',
  'event_triggers:',
  '  - name: note_created',
  '    definition:',
  '      insert:',
  '        columns: "*"',
  '    retry_conf:',
  '      num_retries: 3',
  '      interval_sec: 10',
  `    ${webhook}`,
  '    headers:',
  '      - name: X-Webhook-Secret',
  '        value_from_env: HASURA_WEBHOOK_SECRET',
  '',
].join('\n');

const COLLECTIONS = [
  '- name: allowed-queries',
  '  definition:',
  '    queries:',
  '      - name: list_notes',
  '        query: query ListNotes { notes { id } }',
  '',
].join('\n');

function check(files: { [file: string]: string | undefined }, overrides: Partial<MetadataCheckContext> = {}): MetadataCheckContext {
  const project = loadHasuraProject(HasuraProject.fromDirectory(writeProject(files)), 'hasura.project');
  const context: MetadataCheckContext = {
    options: {},
    prop: 'hasura.project',
    variables: PLATFORM_VARIABLES,
    scope: testStack(),
    ...overrides,
  };
  checkMetadataAgainstPlatform(project, context);
  return context;
}

describe('the environment the metadata reads', () => {
  test('handlers, webhooks and headers that read what the platform sets pass', () => {
    expect(() => check({
      'metadata/actions.yaml': ACTIONS('{{NEXTJS_INTERNAL_URL}}/api/actions/publish-post', '{ name: X-Webhook-Secret, value_from_env: HASURA_WEBHOOK_SECRET }'),
      'metadata/databases/default/tables/public_notes.yaml': TRIGGER_TABLE("webhook: '{{NEXTJS_INTERNAL_URL}}/api/events/note-created'"),
    })).not.toThrow();
  });

  test('an action handler with a variable no task gets fails, naming the file, the action and the variable', () => {
    expect(() => check({ 'metadata/actions.yaml': ACTIONS('{{ACTION_BASE_URL}}/publish', '{ name: X, value: fixed }') }))
      .toThrow(/^Invalid hasura\.project: ".*metadata\/actions\.yaml"\. The action "publishPost" handler reads the environment variable ACTION_BASE_URL, which Hasura's tasks do not get.*pass it in hasura\.environment.*or use what the platform sets: NEXTJS_INTERNAL_URL, HASURA_WEBHOOK_SECRET\.$/);
  });

  test('a header templated or read from a variable no task gets fails', () => {
    expect(() => check({ 'metadata/actions.yaml': ACTIONS('{{NEXTJS_INTERNAL_URL}}/a', '{ name: X-Key, value_from_env: PARTNER_KEY }') }))
      .toThrow(/The action "publishPost" header "X-Key" reads the environment variable PARTNER_KEY/);
    expect(() => check({ 'metadata/actions.yaml': ACTIONS('{{NEXTJS_INTERNAL_URL}}/a', "{ name: X-Key, value: 'Bearer {{PARTNER_TOKEN}}' }") }))
      .toThrow(/The action "publishPost" header "X-Key" reads the environment variable PARTNER_TOKEN/);
  });

  test('a variable the user passes is accepted', () => {
    expect(() => check({ 'metadata/actions.yaml': ACTIONS('{{ACTION_BASE_URL}}/publish', '{ name: X-Key, value_from_env: PARTNER_KEY }') },
      { variables: [...PLATFORM_VARIABLES, 'ACTION_BASE_URL', 'PARTNER_KEY'] })).not.toThrow();
  });

  test('event trigger webhooks, in either form, are checked in their table file', () => {
    expect(() => check({ 'metadata/databases/default/tables/public_notes.yaml': TRIGGER_TABLE("webhook: '{{EVENTS_URL}}/x'") }))
      .toThrow(/public_notes\.yaml"\. The event trigger "note_created" webhook reads the environment variable EVENTS_URL/);
    expect(() => check({ 'metadata/databases/default/tables/public_notes.yaml': TRIGGER_TABLE('webhook_from_env: EVENTS_URL') }))
      .toThrow(/The event trigger "note_created" webhook_from_env reads the environment variable EVENTS_URL/);
  });

  test('cron triggers and remote schemas are checked too', () => {
    expect(() => check({ 'metadata/cron_triggers.yaml': "- name: nightly\n  webhook: '{{CRON_URL}}/nightly'\n  schedule: '0 3 * * *'\n" }))
      .toThrow(/cron_triggers\.yaml"\. The cron trigger "nightly" webhook reads the environment variable CRON_URL/);
    expect(() => check({ 'metadata/remote_schemas.yaml': '- name: payments\n  definition:\n    url_from_env: PAYMENTS_URL\n' }))
      .toThrow(/remote_schemas\.yaml"\. The remote schema "payments" url_from_env reads the environment variable PAYMENTS_URL/);
  });

  test('a remote schema served by Next.js inside the VPC fails: the project task cannot reach it', () => {
    expect(() => check({ 'metadata/remote_schemas.yaml': "- name: app\n  definition:\n    url: '{{NEXTJS_INTERNAL_URL}}/api/graphql'\n" }))
      .toThrow(/The remote schema "app" is served by the Next\.js app inside the VPC\. Hasura introspects a remote schema/);
  });

  test('a template with spaces inside the braces fails, as Hasura would look for a variable with spaces', () => {
    expect(() => check({ 'metadata/actions.yaml': ACTIONS('{{ NEXTJS_INTERNAL_URL }}/a', '{ name: X, value: fixed }') }))
      .toThrow(/has the template "\{\{ NEXTJS_INTERNAL_URL \}\}"; Hasura reads everything between the braces as the variable name, spaces included/);
  });

  test('value_from_env of a HASURA_GRAPHQL_ variable fails, as Hasura refuses it', () => {
    expect(() => check({ 'metadata/actions.yaml': ACTIONS('{{NEXTJS_INTERNAL_URL}}/a', '{ name: X, value_from_env: HASURA_GRAPHQL_ADMIN_SECRET }') },
      { variables: [...PLATFORM_VARIABLES, 'HASURA_GRAPHQL_ADMIN_SECRET'] }))
      .toThrow(/reads value_from_env HASURA_GRAPHQL_ADMIN_SECRET; Hasura refuses variables whose names start with HASURA_GRAPHQL_/);
  });
});

describe('action timeouts against the load balancer', () => {
  test('an action that may outlast the idle timeout gets a warning; one below it, or an asynchronous one, does not', () => {
    const timed = (timeout: string, kind = 'synchronous') => ACTIONS('{{NEXTJS_INTERNAL_URL}}/a', '{ name: X, value: fixed }')
      .replace('kind: synchronous', `kind: ${kind}${timeout}`);
    const defaulted = check({ 'metadata/actions.yaml': timed('') }, { requestTimeoutSeconds: 25 });
    Annotations.fromStack(defaulted.scope as any).hasWarning('*',
      Match.stringLikeRegexp('The action "publishPost" may take 30 seconds \\(its timeout, Hasura\'s default\\), but the load balancer answers 504 after 25'));
    const short = check({ 'metadata/actions.yaml': timed('\n      timeout: 20') }, { requestTimeoutSeconds: 25 });
    Annotations.fromStack(short.scope as any).hasNoWarning('*', Match.stringLikeRegexp('may take'));
    const asynchronous = check({ 'metadata/actions.yaml': timed('', 'asynchronous') }, { requestTimeoutSeconds: 25 });
    Annotations.fromStack(asynchronous.scope as any).hasNoWarning('*', Match.stringLikeRegexp('may take'));
  });
});

describe('the allow-list', () => {
  const options = { allowList: true };

  test('collections that exist pass', () => {
    expect(() => check({
      'metadata/query_collections.yaml': COLLECTIONS,
      'metadata/allow_list.yaml': '- collection: allowed-queries\n  scope:\n    global: true\n',
    }, { options })).not.toThrow();
  });

  test('a collection that query_collections.yaml does not define fails, naming what it defines', () => {
    expect(() => check({
      'metadata/query_collections.yaml': COLLECTIONS,
      'metadata/allow_list.yaml': '- collection: allowed-queriess\n',
    }, { options })).toThrow(/allow_list\.yaml"\. It allows the query collection "allowed-queriess", which metadata\/query_collections\.yaml does not define \(it defines "allowed-queries"\)\./);
  });

  test('an empty or missing allow-list fails: every operation but the admin\'s would be refused', () => {
    expect(() => check({ 'metadata/query_collections.yaml': COLLECTIONS }, { options }))
      .toThrow(/^Invalid hasura\.allowList: true\. The project's metadata\/allow_list\.yaml lists no query collection/);
  });

  test('role-scoped entries, which the free edition ignores, fail', () => {
    expect(() => check({
      'metadata/query_collections.yaml': COLLECTIONS,
      'metadata/allow_list.yaml': '- collection: allowed-queries\n  scope:\n    global: false\n    roles: [user]\n',
    }, { options })).toThrow(/for some roles only; Hasura's free edition ignores role-based allow-list entries/);
  });

  test('with the allow-list off, its file is not required', () => {
    expect(() => check({ 'metadata/query_collections.yaml': COLLECTIONS })).not.toThrow();
  });
});

describe('RESTified endpoints', () => {
  const endpoint = (query: string) => `- name: notes\n  url: notes\n  methods: [GET]\n  definition:\n    query:\n      collection_name: allowed-queries\n      query_name: ${query}\n`;

  test('an endpoint of a query that no collection stores fails', () => {
    expect(() => check({ 'metadata/query_collections.yaml': COLLECTIONS, 'metadata/rest_endpoints.yaml': endpoint('list_notez') }, { options: { restifiedEndpoints: true } }))
      .toThrow(/The REST endpoint "notes" serves the query "list_notez" of the collection "allowed-queries", which metadata\/query_collections\.yaml does not define/);
  });

  test('endpoints that the load balancer does not route get a warning', () => {
    const files = { 'metadata/query_collections.yaml': COLLECTIONS, 'metadata/rest_endpoints.yaml': endpoint('list_notes') };
    const warned = check(files);
    Annotations.fromStack(warned.scope as any).hasWarning('*', Match.stringLikeRegexp('defines 1 REST endpoint\\(s\\).*set hasura\\.restifiedEndpoints'));
    const routed = check(files, { options: { restifiedEndpoints: true } });
    Annotations.fromStack(routed.scope as any).hasNoWarning('*', Match.stringLikeRegexp('REST endpoint'));
  });
});
