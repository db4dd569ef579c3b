// The example blog project's migrations apply in order to a real PostgreSQL 15, its down migrations undo
// them in reverse, and its metadata names only tables, columns and foreign keys the migrations created.
// Its allow-listed operations use only what the roles that send them may use, and its actions and event
// triggers call routes of the example Next.js app through the variables the platform gives Hasura.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { GraphqlField, GraphqlOperation, parseOperation } from './graphql-document';
import { startTlsPostgres, TlsPostgres } from './postgres-server';
import { HasuraProject } from '../../src';
import { loadHasuraProject, LoadedHasuraProject } from '../../src/hasura/project-checks';

jest.setTimeout(120_000);

const PROJECT_DIRECTORY = path.join(__dirname, '..', '..', 'examples', 'hasura-project');
const NEXTJS_APP_DIRECTORY = path.join(__dirname, '..', '..', 'examples', 'nextjs-app');
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
  const tables = tableModels();
  const named: string[] = [];
  for (const table of source.tables) {
    expect(tables.get(table.name)!.columns.length).toBeGreaterThan(0);
    for (const kind of ['select_permissions', 'insert_permissions', 'update_permissions', 'delete_permissions']) {
      for (const { permission } of table.metadata[kind] ?? []) {
        for (const column of [...(permission.columns ?? []), ...Object.keys(permission.set ?? {})]) {
          named.push(`${table.name}.${column}`);
        }
        for (const expression of [permission.filter, permission.check]) {
          named.push(...columnsNamedBy(expression ?? {}, table.name, tables));
        }
      }
    }
    for (const trigger of table.metadata.event_triggers ?? []) {
      for (const operation of ['insert', 'update', 'delete']) {
        const columns = trigger.definition[operation]?.columns;
        named.push(...(Array.isArray(columns) ? columns : []).map((column: string) => `${table.name}.${column}`));
      }
    }
  }
  const exists = (name: string) => {
    const [table, column] = name.split('.');
    return tables.get(table)?.columns.includes(column) ?? false;
  };
  expect(named.filter((name) => !exists(name))).toEqual([]);
  // The user role may insert posts only as itself.
  const posts = source.tables.find((t) => t.name === 'posts')!;
  expect(posts.metadata.insert_permissions).toEqual([expect.objectContaining({
    role: 'user',
    permission: expect.objectContaining({ check: { author_id: { _eq: 'X-Hasura-User-Id' } }, set: { author_id: 'X-Hasura-User-Id' } }),
  })]);
  // Including a column reached through a relationship (authors.posts) in the public role's filter.
  expect(named).toEqual(expect.arrayContaining(['authors.name', 'posts.author_id', 'posts.published']));
  expect(tables.get('authors')!.relationships.get('posts')).toBe('posts');
  expect(tables.get('posts')!.relationships.get('author')).toBe('authors');
});

test('every allow-listed operation uses only fields the role that sends it may use', () => {
  const tables = tableModels();
  const actions = actionModels();
  const problems: string[] = [];
  const operations = readMetadata('query_collections.yaml')
    .flatMap((collection: any) => collection.definition.queries.map((query: any) => parseOperation(query.query)));
  expect(operations.map((operation: GraphqlOperation) => operation.name).sort()).toEqual(Object.keys(SENT_AS).sort());
  for (const operation of operations) {
    const role = SENT_AS[operation.name!];
    for (const field of operation.selections) {
      problems.push(...rootFieldProblems(operation, field, role, tables, actions).map((problem) => `${operation.name}: ${problem}`));
    }
  }
  expect(problems).toEqual([]);
  // The allow-list admits the collection.
  expect(readMetadata('allow_list.yaml')).toEqual([{ collection: 'allowed-queries', scope: { global: true } }]);
});

test('actions and event triggers call Next.js routes that exist, through the variables the platform gives Hasura', () => {
  const source = project.sources.find((s) => s.name === 'default')!;
  const calls = [
    ...readMetadata('actions.yaml').actions.map((action: any) => ({ ...action.definition, name: `action ${action.name}`, url: action.definition.handler })),
    ...source.tables.flatMap((table) => (table.metadata.event_triggers ?? [])
      .map((trigger: any) => ({ ...trigger, name: `event trigger ${trigger.name}`, url: trigger.webhook }))),
  ];
  expect(calls.map((call) => call.name).sort()).toEqual(['action publishPost', 'event trigger post_created']);
  for (const call of calls) {
    const route = /^\{\{NEXTJS_INTERNAL_URL\}\}(\/api\/[a-z0-9/-]+)$/.exec(call.url)?.[1];
    expect({ call: call.name, route, exists: route !== undefined && fs.existsSync(path.join(NEXTJS_APP_DIRECTORY, 'app', route, 'route.js')) })
      .toEqual({ call: call.name, route: expect.any(String), exists: true });
    expect(call.headers).toEqual([{ name: 'X-Webhook-Secret', value_from_env: 'HASURA_WEBHOOK_SECRET' }]);
  }
  const publishPost = readMetadata('actions.yaml').actions.find((action: any) => action.name === 'publishPost');
  // Hasura waits 30 s by default; the action must give up well before the load balancer does.
  expect(publishPost.definition.timeout).toBeLessThanOrEqual(20);
  const postCreated = source.tables.find((t) => t.name === 'posts')!.metadata.event_triggers[0];
  expect(postCreated.retry_conf).toEqual({ num_retries: expect.any(Number), interval_sec: expect.any(Number), timeout_sec: expect.any(Number) });
});

test('the down migrations, in reverse order, remove everything the up migrations created', () => {
  for (const migration of [...project.migrations].reverse()) {
    server.superuserSql(migrationSql(migration.directory, 'down.sql'), DATABASE);
  }
  expect(publicTables()).toEqual([]);
  expect(foreignKeys()).toEqual([]);
});

/** A tracked table as the database and the metadata see it. */
interface TableModel {
  readonly columns: string[];
  /** Relationship name -> the table it leads to. */
  readonly relationships: Map<string, string>;
  /** The parsed metadata file. */
  readonly metadata: { [key: string]: any };
}

/** The tracked tables of the default database, with their columns read from PostgreSQL. */
function tableModels(): Map<string, TableModel> {
  const source = project.sources.find((s) => s.name === 'default')!;
  const keys = foreignKeys();
  return new Map(source.tables.map((table) => {
    const relationships = new Map<string, string>();
    for (const relationship of table.metadata.object_relationships ?? []) {
      const column = relationship.using.foreign_key_constraint_on;
      const target = keys.find((key) => key.startsWith(`${table.name}.${column} -> `));
      expect({ relationship: relationship.name, foreignKey: target }).toEqual({ relationship: relationship.name, foreignKey: expect.any(String) });
      relationships.set(relationship.name, target!.split(' -> ')[1].split('.')[0]);
    }
    for (const relationship of table.metadata.array_relationships ?? []) {
      const { column, table: remote } = relationship.using.foreign_key_constraint_on;
      expect(keys).toContain(`${remote.name}.${column} -> ${table.name}.id`);
      relationships.set(relationship.name, remote.name);
    }
    return [table.name, { columns: columnsOf(table.name), relationships, metadata: table.metadata }];
  }));
}

/**
 * `table.column` for each column a Hasura boolean expression compares: keys that are not operators
 * (`_and`, `_eq`...) are columns, or relationships whose expression is about the table they lead to.
 */
function columnsNamedBy(expression: unknown, table: string, tables: Map<string, TableModel>): string[] {
  if (Array.isArray(expression)) {
    return expression.flatMap((item) => columnsNamedBy(item, table, tables));
  }
  if (typeof expression !== 'object' || expression === null) {
    return [];
  }
  return Object.entries(expression).flatMap(([key, value]) => {
    if (key.startsWith('_')) {
      return columnsNamedBy(value, table, tables);
    }
    const remote = tables.get(table)?.relationships.get(key);
    return remote ? columnsNamedBy(value, remote, tables) : [`${table}.${key}`];
  });
}

/** The role each allow-listed operation is sent as: the home page's query has no credentials. */
const SENT_AS: { [operation: string]: string } = {
  PublishedPosts: 'public',
  PublishPost: 'user',
  PublishPostAction: 'user',
};

/** An action of metadata/actions.yaml with the output type's fields from actions.graphql. */
interface ActionModel {
  readonly roles: string[];
  readonly argumentNames: string[];
  readonly outputFields: string[];
}

function actionModels(): Map<string, ActionModel> {
  const sdl = fs.readFileSync(path.join(PROJECT_DIRECTORY, 'metadata', 'actions.graphql'), 'utf8').replace(/"""[\s\S]*?"""/g, '');
  const typeFields = (name: string) => {
    const body = new RegExp(`type\\s+${name}\\s*\\{([^}]*)\\}`).exec(sdl)?.[1] ?? '';
    return [...body.matchAll(/(\w+)\s*:/g)].map((match) => match[1]);
  };
  return new Map(readMetadata('actions.yaml').actions.map((action: any) => {
    const signature = new RegExp(`${action.name}\\s*\\(([^)]*)\\)\\s*:\\s*(\\w+)`).exec(sdl);
    expect({ action: action.name, declared: Boolean(signature) }).toEqual({ action: action.name, declared: true });
    return [action.name, {
      roles: (action.permissions ?? []).map((permission: any) => permission.role),
      argumentNames: [...signature![1].matchAll(/(\w+)\s*:/g)].map((match) => match[1]),
      outputFields: typeFields(signature![2]),
    }];
  }));
}

/** What is wrong with one root field of an operation sent as `role` (nothing: an empty list). */
function rootFieldProblems(operation: GraphqlOperation, field: GraphqlField, role: string,
  tables: Map<string, TableModel>, actions: Map<string, ActionModel>): string[] {
  const action = actions.get(field.name);
  if (action) {
    return [
      ...(action.roles.includes(role) ? [] : [`role ${role} may not call the action ${field.name}`]),
      ...Object.keys(field.args).filter((name) => !action.argumentNames.includes(name)).map((name) => `${field.name} has no argument ${name}`),
      ...field.selections.filter((selection) => !action.outputFields.includes(selection.name))
        .map((selection) => `${field.name} returns no field ${selection.name}`),
    ];
  }
  const root = /^(update_)?([a-z_]+?)(_by_pk)?$/.exec(field.name)!;
  const table = root[2];
  if (!tables.has(table) || (operation.type === 'mutation') !== Boolean(root[1])) {
    return [`${field.name} is no root field this project tracks`];
  }
  const problems = selectionProblems(table, field.selections, role, tables);
  const orderBy = field.args.order_by;
  problems.push(...Object.keys(orderBy && typeof orderBy === 'object' ? orderBy : {})
    .filter((column) => !selectColumns(table, role, tables).includes(column)).map((column) => `role ${role} may not order ${table} by ${column}`));
  if (root[1]) {
    const update = permissionOf(table, 'update_permissions', role, tables);
    const set = field.args._set;
    problems.push(...(update ? [] : [`role ${role} may not update ${table}`]),
      ...Object.keys(set && typeof set === 'object' ? set : {}).filter((column) => !(update?.columns ?? []).includes(column))
        .map((column) => `role ${role} may not set ${table}.${column}`));
  }
  return problems;
}

/** Fields selected from `table` that `role` may not see, followed through relationships. */
function selectionProblems(table: string, selections: GraphqlField[], role: string, tables: Map<string, TableModel>): string[] {
  if (!permissionOf(table, 'select_permissions', role, tables)) {
    return [`role ${role} may not select from ${table}`];
  }
  return selections.flatMap((selection) => {
    const remote = tables.get(table)!.relationships.get(selection.name);
    if (remote) {
      return selectionProblems(remote, selection.selections, role, tables);
    }
    return selectColumns(table, role, tables).includes(selection.name) ? [] : [`role ${role} may not select ${table}.${selection.name}`];
  });
}

function permissionOf(table: string, kind: string, role: string, tables: Map<string, TableModel>): { columns?: string[] } | undefined {
  return (tables.get(table)!.metadata[kind] ?? []).find((entry: any) => entry.role === role)?.permission;
}

function selectColumns(table: string, role: string, tables: Map<string, TableModel>): string[] {
  return permissionOf(table, 'select_permissions', role, tables)?.columns ?? [];
}

function readMetadata(file: string): any {
  return YAML.parse(fs.readFileSync(path.join(PROJECT_DIRECTORY, 'metadata', file), 'utf8'));
}
