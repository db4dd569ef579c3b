// The example blog project's migrations apply in order to a real PostgreSQL 15, its down migrations undo
// them in reverse, and its metadata names only tables, columns and foreign keys the migrations created.
import * as fs from 'fs';
import * as path from 'path';
import { startTlsPostgres, TlsPostgres } from './postgres-server';
import { HasuraProject } from '../../src';
import { loadHasuraProject, LoadedHasuraProject } from '../../src/hasura/project-checks';

jest.setTimeout(120_000);

const PROJECT_DIRECTORY = path.join(__dirname, '..', '..', 'examples', 'hasura-project');
const DATABASE = 'blog';

let server: TlsPostgres;
let project: LoadedHasuraProject;

beforeAll(async () => {
  server = await startTlsPostgres();
  server.superuserSql(`CREATE DATABASE ${DATABASE};`);
  project = loadHasuraProject(HasuraProject.fromDirectory(PROJECT_DIRECTORY), 'hasura.project');
});

afterAll(async () => {
  await server?.stop();
});

function sql(statement: string): string[] {
  return server.superuserSql(statement, DATABASE).split('\n').filter(Boolean);
}

function migrationSql(directory: string, file: 'up.sql' | 'down.sql'): string {
  // Hasura runs each migration file in a transaction; so do we, and stop at the first error.
  return `BEGIN;\n${fs.readFileSync(path.join(directory, file), 'utf8')}\nCOMMIT;`;
}

function publicTables(): string[] {
  return sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
}

function columnsOf(table: string): string[] {
  return sql(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' ORDER BY 1`);
}

/** Foreign keys as `table.column -> table.column`. */
function foreignKeys(): string[] {
  return sql(`SELECT c.conrelid::regclass || '.' || a.attname || ' -> ' || c.confrelid::regclass || '.' || fa.attname
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
    WHERE c.contype = 'f' ORDER BY 1`);
}

test('the up migrations apply in order and create authors, posts and the foreign key', () => {
  const migrations = project.migrations.filter((m) => m.database === 'default');
  expect(migrations.map((m) => m.name)).toEqual(['create_authors', 'create_posts']);
  for (const migration of migrations) {
    server.superuserSql(migrationSql(migration.directory, 'up.sql'), DATABASE);
  }
  expect(publicTables()).toEqual(['authors', 'posts']);
  expect(foreignKeys()).toEqual(['posts.author_id -> authors.id']);
  sql("INSERT INTO public.authors (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Ada')");
  sql("INSERT INTO public.posts (author_id, title) VALUES ('00000000-0000-0000-0000-000000000001', 'Hello')");
  expect(() => sql("INSERT INTO public.posts (author_id, title) VALUES ('00000000-0000-0000-0000-000000000002', 'Orphan')"))
    .toThrow(/violates foreign key constraint/);
});

test('the metadata names only tables, columns and foreign keys the migrations created', () => {
  const source = project.sources.find((s) => s.name === 'default')!;
  expect(source.tables.map((t) => `${t.schema}.${t.name}`).sort()).toEqual(['public.authors', 'public.posts']);
  const created = new Map(source.tables.map((t) => [t.name, columnsOf(t.name)]));
  const named: string[] = [];
  for (const table of source.tables) {
    const columns = created.get(table.name)!;
    expect(columns.length).toBeGreaterThan(0);
    for (const kind of ['select_permissions', 'insert_permissions', 'update_permissions', 'delete_permissions']) {
      for (const permission of table.metadata[kind] ?? []) {
        for (const column of [...(permission.permission.columns ?? []), ...Object.keys(permission.permission.set ?? {})]) {
          named.push(`${table.name}.${column}`);
          expect(columns).toContain(column);
        }
        for (const column of filterColumns(permission.permission.filter ?? permission.permission.check ?? {})) {
          named.push(`${table.name}.${column}`);
          expect(columns).toContain(column);
        }
      }
    }
    for (const relationship of table.metadata.object_relationships ?? []) {
      const column = relationship.using.foreign_key_constraint_on;
      expect(foreignKeys()).toContain(`${table.name}.${column} -> authors.id`);
    }
    for (const relationship of table.metadata.array_relationships ?? []) {
      const { column, table: remote } = relationship.using.foreign_key_constraint_on;
      expect(foreignKeys()).toContain(`${remote.name}.${column} -> ${table.name}.id`);
    }
  }
  // The user role may insert posts only as itself.
  const posts = source.tables.find((t) => t.name === 'posts')!;
  expect(posts.metadata.insert_permissions).toEqual([expect.objectContaining({
    role: 'user',
    permission: expect.objectContaining({ check: { author_id: { _eq: 'X-Hasura-User-Id' } }, set: { author_id: 'X-Hasura-User-Id' } }),
  })]);
  expect(named).toEqual(expect.arrayContaining(['authors.name', 'posts.author_id', 'posts.published']));
});

test('the down migrations, in reverse order, remove everything the up migrations created', () => {
  for (const migration of [...project.migrations].reverse()) {
    server.superuserSql(migrationSql(migration.directory, 'down.sql'), DATABASE);
  }
  expect(publicTables()).toEqual([]);
  expect(foreignKeys()).toEqual([]);
});

/** Column names a Hasura boolean expression compares (keys that are not operators such as `_and` or `_eq`). */
function filterColumns(expression: unknown): string[] {
  if (Array.isArray(expression)) {
    return expression.flatMap(filterColumns);
  }
  if (typeof expression !== 'object' || expression === null) {
    return [];
  }
  return Object.entries(expression).flatMap(([key, value]) =>
    key.startsWith('_') ? filterColumns(value) : [key]);
}
