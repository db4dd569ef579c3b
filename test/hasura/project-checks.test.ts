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
  test('a database URL written into the project', () => {
    expectInvalid({
      'metadata/databases/databases.yaml': '- name: default\n  kind: postgres\n  configuration:\n    connection_info:\n      database_url: postgres://u:p@db:5432/x\n',
    }, 'metadata/databases/databases.yaml', /must read its URL from the environment/);
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
  test('a file directly under migrations/', () => {
    expectInvalid({ 'migrations/notes.sql': 'SELECT 1;' }, 'migrations/notes.sql', /one directory per database/);
  });
  test('migrations of a database the metadata does not list', () => {
    expectInvalid({ 'migrations/other/1_init/up.sql': 'SELECT 1;' }, 'migrations/other', /no database "other".*only folders of listed databases: "default"/);
  });
  test('a migration folder not named <timestamp>_<name>', () => {
    expectInvalid({ 'migrations/default/init/up.sql': 'SELECT 1;' }, 'migrations/default/init', /`<timestamp>_<name>`/);
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
