import * as fs from 'fs';
import * as path from 'path';
import { removeProjects, writeProject } from './fixtures';
import { HasuraProject } from '../../src';
import { checkPoolSettings, loadHasuraProject } from '../../src/hasura/project-checks';

afterAll(removeProjects);

const PROP = 'hasura.project';

function load(directory: string) {
  return loadHasuraProject(HasuraProject.fromDirectory(directory), PROP);
}

/** Expects loading to fail with an error naming the prop, `file` (relative to the project) and `allowed`. */
function expectInvalid(changes: { [file: string]: string | undefined }, file: string, allowed: RegExp, mutate?: (dir: string) => void) {
  const directory = writeProject(changes);
  mutate?.(directory);
  const offending = file ? path.join(directory, file) : directory;
  expect(() => load(directory)).toThrow(`Invalid ${PROP}: ${JSON.stringify(offending)}.`);
  expect(() => load(directory)).toThrow(allowed);
}

describe('a valid project', () => {
  test('lists its databases with their pool size, tables and migrations in order', () => {
    const directory = writeProject({
      'migrations/default/1700000000002_more/up.sql': 'SELECT 1;',
      'migrations/default/999_early/up.sql': 'SELECT 1;',
      'migrations/.gitkeep': '',
    });
    const project = load(directory);
    expect(project.sources).toEqual([expect.objectContaining({ name: 'default', maxConnections: 10, databaseUrlFromEnv: 'HASURA_GRAPHQL_DATABASE_URL' })]);
    expect(project.sources[0].tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['public.notes']);
    expect(project.migrations.map((m) => m.version)).toEqual(['999', '1700000000000', '1700000000002']);
    expect(project.hasMigrations).toBe(true);
  });

  test('max_connections is undefined when the database has no pool settings', () => {
    const project = load(writeProject({
      'metadata/databases/databases.yaml': '- name: default\n  kind: postgres\n  configuration:\n    connection_info:\n      database_url:\n        from_env: HASURA_GRAPHQL_DATABASE_URL\n',
    }));
    expect(project.sources[0].maxConnections).toBeUndefined();
    expect(project.sources[0].tables).toEqual([]);
  });

  test('a project without migrations/ is a metadata-only project', () => {
    const directory = writeProject();
    fs.rmSync(path.join(directory, 'migrations'), { recursive: true });
    const project = load(directory);
    expect(project.hasMigrations).toBe(false);
    expect(project.migrations).toEqual([]);
  });

  test('the example blog project is valid', () => {
    const project = load(path.join(__dirname, '..', '..', 'examples', 'hasura-project'));
    expect(project.sources.map((s) => [s.name, s.maxConnections])).toEqual([['default', 8]]);
    expect(project.migrations.map((m) => m.name)).toEqual(['create_authors', 'create_posts']);
  });
});

describe('errors name the prop, the offending path and what is allowed', () => {
  test('a directory that does not exist', () => {
    expectInvalid({}, '', /does not exist\. A Hasura project directory is what `hasura init` creates/, (dir) => fs.rmSync(dir, { recursive: true }));
  });
  test('no config.yaml', () => {
    expectInvalid({ 'config.yaml': undefined }, 'config.yaml', /The file does not exist\. The project has no config\.yaml/);
  });
  test('a config of version 2', () => {
    expectInvalid({ 'config.yaml': 'version: 2\n' }, 'config.yaml', /says version 2; only config `version: 3`/);
  });
  test('no metadata/ directory', () => {
    expectInvalid({}, 'metadata', /no metadata\/ directory/, (dir) => fs.rmSync(path.join(dir, 'metadata'), { recursive: true }));
  });
  test('no metadata/version.yaml', () => {
    expectInvalid({ 'metadata/version.yaml': undefined }, 'metadata/version.yaml', /must exist and say `version: 3`/);
  });
  test('metadata version 2', () => {
    expectInvalid({ 'metadata/version.yaml': 'version: 2\n' }, 'metadata/version.yaml', /says version 2; only metadata format `version: 3`/);
  });
  test('YAML that does not parse', () => {
    expectInvalid({ 'metadata/version.yaml': 'version: [3\n' }, 'metadata/version.yaml', /is not valid YAML/);
  });
  test('no databases.yaml', () => {
    expectInvalid({ 'metadata/databases/databases.yaml': undefined }, 'metadata/databases/databases.yaml', /must list the databases/);
  });
  test('databases.yaml that is not a list', () => {
    expectInvalid({ 'metadata/databases/databases.yaml': 'name: default\n' }, 'metadata/databases/databases.yaml', /must be a YAML list of databases/);
  });
  test('a database without a name', () => {
    expectInvalid({ 'metadata/databases/databases.yaml': '- kind: postgres\n' }, 'metadata/databases/databases.yaml', /database #1 needs a `name`/);
  });
  test('a database of another kind', () => {
    expectInvalid({ 'metadata/databases/databases.yaml': '- name: default\n  kind: mssql\n' }, 'metadata/databases/databases.yaml', /only `kind: postgres`/);
  });
  /** databases.yaml with one database whose `database_url` is `url` (YAML, indented under the key). */
  const withDatabaseUrl = (url: string) => ({
    'metadata/databases/databases.yaml': `- name: default\n  kind: postgres\n  configuration:\n    connection_info:\n      database_url:${url}\n`,
  });
  const DATABASES_FILE = 'metadata/databases/databases.yaml';
  test('a database URL written into the project', () => {
    expectInvalid(withDatabaseUrl(' postgres://u:p@db:5432/x'), DATABASES_FILE,
      /The database "default" has its URL written into the project, which would ship its password in the image; use `database_url: \{ from_env: HASURA_GRAPHQL_DATABASE_URL \}`/);
  });
  test('a database_url object that is none of Hasura\'s forms', () => {
    expectInvalid(withDatabaseUrl('\n        fromEnv: HASURA_GRAPHQL_DATABASE_URL'), DATABASES_FILE,
      /The database "default" has a database_url of \{"fromEnv":"HASURA_GRAPHQL_DATABASE_URL"\}, which is not one of Hasura's forms \(a URL string, \{ from_env: <variable> \}, \{ connection_parameters: \.\.\. \}, \{ dynamic_from_file: <path> \}\)/);
    expectInvalid(withDatabaseUrl('\n        - from_env: X'), DATABASES_FILE, /has a database_url of \[\{"from_env":"X"\}\], which is not one of Hasura's forms/);
  });
  test('a database without a database_url', () => {
    expectInvalid({ 'metadata/databases/databases.yaml': '- name: default\n  kind: postgres\n  configuration: {}\n' }, DATABASES_FILE,
      /has no configuration\.connection_info\.database_url, which is not one of Hasura's forms/);
  });
  test('an empty from_env', () => {
    expectInvalid(withDatabaseUrl('\n        from_env: ""'), DATABASES_FILE, /sets database_url\.from_env to ""; it must name an environment variable/);
  });
  test.each([['connection_parameters', '\n          host: db'], ['dynamic_from_file', ' /etc/db-url']])('Hasura\'s other form %s, which the platform does not use', (form, value) => {
    expectInvalid(withDatabaseUrl(`\n        ${form}:${value}`), DATABASES_FILE,
      new RegExp(`The database "default" sets database_url\\.${form}, which the platform does not support`));
  });
  test('a max_connections that is not a positive whole number', () => {
    expectInvalid({
      'metadata/databases/databases.yaml': '- name: default\n  kind: postgres\n  configuration:\n    connection_info:\n      database_url:\n        from_env: X\n      pool_settings:\n        max_connections: 0\n',
    }, 'metadata/databases/databases.yaml', /sets pool_settings\.max_connections to 0; use a whole number of at least 1/);
  });
  test('the same database twice', () => {
    const entry = '- name: default\n  kind: postgres\n  configuration:\n    connection_info:\n      database_url:\n        from_env: X\n';
    expectInvalid({ 'metadata/databases/databases.yaml': entry + entry }, 'metadata/databases/databases.yaml', /lists the database "default" twice/);
  });
  test('an !include of a file that does not exist', () => {
    expectInvalid({ 'metadata/databases/default/tables/public_notes.yaml': undefined },
      'metadata/databases/default/tables/public_notes.yaml', /named by `!include public_notes\.yaml`.*does not exist/);
  });
  test('a table entry without a table name', () => {
    expectInvalid({ 'metadata/databases/default/tables/public_notes.yaml': 'select_permissions: []\n' },
      'metadata/databases/default/tables/public_notes.yaml', /needs `table: \{ name: \.\.\., schema: \.\.\. \}`/);
  });
  test.each([['migration', 'did you mean migrations/?'], ['metadatas', 'did you mean metadata/?'], ['seed', 'did you mean seeds/?'],
    ['sql', '\\(and config\\.yaml\\)\\. The platform applies metadata/ and migrations/ and nothing else']])('an unexpected top-level folder %s/', (folder, hint) => {
    expectInvalid({ [`${folder}/default/1700000000001_more/up.sql`]: 'SELECT 1;' }, folder,
      new RegExp(`A Hasura project holds only the folders metadata/, migrations/, seeds/ .*${hint}`));
  });
  test('a file directly under migrations/', () => {
    expectInvalid({ 'migrations/notes.sql': 'SELECT 1;' }, 'migrations/notes.sql', /one directory per database/);
  });
  test('migrations of a database the metadata does not list', () => {
    expectInvalid({ 'migrations/other/1_init/up.sql': 'SELECT 1;' }, 'migrations/other', /no database "other".*only folders of listed databases: "default"/);
  });
  test.each(['init', 'init_notes', 'v1_init', '_init', '1700000000000', '1700000000000-init'])('a migration folder %s, not named <timestamp>_<name>', (folder) => {
    expectInvalid({ [`migrations/default/${folder}/up.sql`]: 'SELECT 1;' }, `migrations/default/${folder}`, /`<timestamp>_<name>`/);
  });
  test('a migration without up.sql', () => {
    expectInvalid({ 'migrations/default/1700000000001_empty/down.sql': 'SELECT 1;' }, 'migrations/default/1700000000001_empty', /needs an up\.sql/);
  });
  test('two migrations with the same version', () => {
    expectInvalid({ 'migrations/default/1700000000000_again/up.sql': 'SELECT 1;' }, 'migrations/default/1700000000000_init',
      /version 1700000000000 is also the version of 1700000000000_again/);
  });
});

describe('checkPoolSettings', () => {
  test('accepts a pool within the per-task budget', () => {
    expect(() => checkPoolSettings(load(writeProject()), 10, PROP)).not.toThrow();
  });

  test('refuses a pool above the per-task budget, naming the file, the database and both numbers', () => {
    const directory = writeProject();
    const check = () => checkPoolSettings(load(directory), 9, PROP);
    expect(check).toThrow(`Invalid ${PROP}: ${JSON.stringify(path.join(directory, 'metadata/databases/databases.yaml'))}.`);
    expect(check).toThrow(/database "default" sets pool_settings\.max_connections to 10, but each Hasura task may open at most 9 connections/);
  });

  test("holds a database without pool settings to Hasura's default of 50", () => {
    const project = load(writeProject({
      'metadata/databases/databases.yaml': '- name: default\n  kind: postgres\n  configuration:\n    connection_info:\n      database_url:\n        from_env: HASURA_GRAPHQL_DATABASE_URL\n',
    }));
    expect(() => checkPoolSettings(project, 50, PROP)).not.toThrow();
    expect(() => checkPoolSettings(project, 49, PROP)).toThrow(/has no pool_settings\.max_connections, so Hasura uses its default of 50/);
  });
});
