import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'crypto';

/** The part of a PostgreSQL client the reconciliation uses (`pg`'s `Client` has it). */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

/** The role Hasura logs in as, as it must be in the database. */
export interface HasuraRoleSpec {
  /** The login role's name. */
  readonly roleName: string;
  /** Its password, printable ASCII. Only a SCRAM-SHA-256 verifier of it is sent to the server. */
  readonly password: string;
  /** `CONNECTION LIMIT` of the role. */
  readonly connectionLimit: number;
  /** The database the session is connected to; a check that the handler reached the right one. */
  readonly databaseName: string;
}

/** How the reconciliation waits for locks that running Hasura tasks hold. */
export interface ReconcileOptions {
  /** Transactions tried before giving up (each waits at most `lockTimeoutMs` for any lock). */
  readonly attempts?: number;
  readonly lockTimeoutMs?: number;
  /** Pause before the second attempt, doubled after each. */
  readonly retryDelayMs?: number;
}

/** Schema of Hasura's metadata catalog. */
export const HASURA_CATALOG_SCHEMA = 'hdb_catalog';

/** Serializes concurrent runs (two deploys, a deploy and an operator's run); any constant unique to this purpose. */
const ADVISORY_LOCK_KEY = 7_205_514_891;

/** Errors after which the whole transaction is tried again: a lock not granted in time, a deadlock. */
const RETRYABLE = new Set(['55P03', '40P01', '40001']);

/**
 * Puts Hasura's login role in step with `spec`, connected as the RDS master user, in one transaction:
 *
 * - the role exists: LOGIN, NOSUPERUSER, NOCREATEDB, NOCREATEROLE, NOREPLICATION, NOBYPASSRLS, the
 *   connection limit, and the password (sent as a SCRAM-SHA-256 verifier, so the plain password never
 *   reaches the server or its statement log);
 * - the master user is a member of the role (with its privileges), so it keeps full access to what it
 *   hands over: tasks of an older deploy that still log in as the master keep working, during a
 *   rolling deploy and after a rollback;
 * - the role may connect to the database, create schemas and temporary tables in it, and create in
 *   `public`; `pgcrypto` is installed (Hasura needs it and may not create it itself); `hdb_catalog` exists;
 * - what the master user owns in the database's own schemas becomes the role's: those schemas, their
 *   tables, views, materialized views, sequences, foreign tables, functions, procedures, types and
 *   domains. Before this role existed, Hasura ran as the master user, so every object its migrations,
 *   console or catalog created is the master's; the role must own them to alter them, add event triggers
 *   to them and keep migrating. Extension members, system schemas and objects of other roles stay as they
 *   are, and nothing outside this database (its ownership, other databases) is touched.
 *
 * Each step reads the catalog first and changes only what differs, so a second run changes nothing but
 * the password's verifier (a fresh salt for the same password). Returns the statements that changed
 * something, for the log (the password's never among them).
 */
export async function reconcileHasuraRole(client: SqlClient, spec: HasuraRoleSpec, options: ReconcileOptions = {}): Promise<string[]> {
  checkSpec(spec);
  const attempts = options.attempts ?? 6;
  let delay = options.retryDelayMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    await client.query('BEGIN');
    try {
      const changes = await reconcileInTransaction(client, spec, options.lockTimeoutMs ?? 5000);
      await client.query('COMMIT');
      return changes;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (attempt >= attempts || !RETRYABLE.has((error as { code?: string }).code ?? '')) {
        throw error;
      }
      console.log(JSON.stringify({ message: 'a lock was not granted in time, trying again', attempt, error: (error as Error).message }));
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
}

async function reconcileInTransaction(client: SqlClient, spec: HasuraRoleSpec, lockTimeoutMs: number): Promise<string[]> {
  const changes: string[] = [];
  const run = async (statement: string, logged: string = statement) => {
    await client.query(statement);
    changes.push(logged);
  };
  // A lock that running queries hold is waited for briefly, then the whole transaction is tried again,
  // so queries queued behind an ALTER ... OWNER wait seconds, not minutes.
  await client.query(`SET LOCAL lock_timeout = ${Math.floor(lockTimeoutMs)}`);
  // With only pg_catalog on the search path, every name the catalog prints is schema-qualified.
  await client.query('SET LOCAL search_path = pg_catalog');
  await client.query('SET LOCAL standard_conforming_strings = on');
  await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);

  const session = (await client.query('SELECT current_user AS master, current_database() AS database,'
    + ' (SELECT oid FROM pg_roles WHERE rolname = current_user) AS master_oid')).rows[0];
  if (session.database !== spec.databaseName) {
    throw new Error(`Connected to database "${session.database}", expected "${spec.databaseName}".`);
  }
  if (session.master === spec.roleName) {
    throw new Error(`The role "${spec.roleName}" is reconciled by the master user, not by itself.`);
  }
  const role = quoteIdentifier(spec.roleName);
  const verifier = quoteLiteral(scramSha256Verifier(spec.password));

  // The role, its attributes and its password.
  const existing = (await client.query('SELECT rolsuper, rolreplication, rolbypassrls, rolcanlogin, rolcreatedb, rolcreaterole, rolconnlimit'
    + ' FROM pg_roles WHERE rolname = $1', [spec.roleName])).rows[0];
  if (!existing) {
    await run(`CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`
      + ` CONNECTION LIMIT ${spec.connectionLimit} PASSWORD ${verifier}`,
    `CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`
      + ` CONNECTION LIMIT ${spec.connectionLimit} PASSWORD <SCRAM-SHA-256 verifier>`);
  } else {
    if (existing.rolsuper || existing.rolreplication || existing.rolbypassrls) {
      // Only a superuser could take these away again; on RDS there is none but rdsadmin.
      throw new Error(`The role "${spec.roleName}" already exists with SUPERUSER, REPLICATION or BYPASSRLS; Hasura must not`
        + ' run with them. Remove them (or drop the role) and deploy again.');
    }
    const drift = [
      ...(existing.rolcanlogin ? [] : ['LOGIN']),
      ...(existing.rolcreatedb ? ['NOCREATEDB'] : []),
      ...(existing.rolcreaterole ? ['NOCREATEROLE'] : []),
      ...(existing.rolconnlimit === spec.connectionLimit ? [] : [`CONNECTION LIMIT ${spec.connectionLimit}`]),
    ];
    if (drift.length > 0) {
      await run(`ALTER ROLE ${role} WITH ${drift.join(' ')}`);
    }
    // PostgreSQL cannot tell whether a password matches without logging in, so it is set every time.
    await client.query(`ALTER ROLE ${role} PASSWORD ${verifier}`);
  }

  // The master user gets the role's privileges, including those of an owner, over what it hands over.
  if (!(await flag(client, 'SELECT pg_has_role(current_user, $1, \'USAGE\')', [spec.roleName]))) {
    await run(`GRANT ${role} TO ${quoteIdentifier(session.master)}`);
  }

  // The database: connect, create schemas (migrations may), temporary tables.
  const databaseGrants = [];
  for (const privilege of ['CONNECT', 'CREATE', 'TEMPORARY']) {
    if (!(await flag(client, 'SELECT has_database_privilege($1, current_database(), $2)', [spec.roleName, privilege]))) {
      databaseGrants.push(privilege);
    }
  }
  if (databaseGrants.length > 0) {
    await run(`GRANT ${databaseGrants.join(', ')} ON DATABASE ${quoteIdentifier(session.database)} TO ${role}`);
  }

  // pgcrypto, which Hasura's catalog needs and which it would otherwise try to create itself.
  if (!(await flag(client, 'SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = \'pgcrypto\')'))) {
    await run('CREATE EXTENSION pgcrypto WITH SCHEMA public');
  }

  // public: in PostgreSQL 15 and later only its owner (the database owner, the master) may create in it.
  if (await flag(client, 'SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = \'public\')')
    && !(await flag(client, 'SELECT has_schema_privilege($1, \'public\', \'USAGE\') AND has_schema_privilege($1, \'public\', \'CREATE\')', [spec.roleName]))) {
    await run(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}`);
  }

  // The schemas the master user owns in this database, Hasura's catalog among them, become the role's.
  for (const { name } of (await client.query(`SELECT n.nspname AS name FROM pg_namespace n WHERE n.nspowner = $1
      AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND ${notExtensionMember('pg_namespace', 'n.oid')}
      ORDER BY 1`, [session.master_oid])).rows) {
    await run(`ALTER SCHEMA ${quoteIdentifier(name)} OWNER TO ${role}`);
  }
  if (!(await flag(client, 'SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)', [HASURA_CATALOG_SCHEMA]))) {
    await run(`CREATE SCHEMA ${quoteIdentifier(HASURA_CATALOG_SCHEMA)} AUTHORIZATION ${role}`);
  }

  // The master's objects in every schema the role may create in (a new owner needs that, and it keeps
  // system schemas and other roles' schemas out).
  for (const { name, kind } of (await client.query(`SELECT c.oid::regclass::text AS name, c.relkind AS kind
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relowner = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${inRoleSchema('n')}
        AND ${notExtensionMember('pg_class', 'c.oid')}
        -- A sequence that belongs to a column (serial, identity) follows its table.
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
          AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
      ORDER BY 1`, [session.master_oid, spec.roleName])).rows) {
    await run(`ALTER ${RELATION_KINDS[kind]} ${name} OWNER TO ${role}`);
  }
  for (const { name } of (await client.query(`SELECT p.oid::regprocedure::text AS name
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.proowner = $1 AND ${inRoleSchema('n')} AND ${notExtensionMember('pg_proc', 'p.oid')}
      ORDER BY 1`, [session.master_oid, spec.roleName])).rows) {
    await run(`ALTER ROUTINE ${name} OWNER TO ${role}`);
  }
  for (const { name, kind } of (await client.query(`SELECT t.oid::regtype::text AS name, t.typtype AS kind
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typowner = $1 AND t.typtype IN ('c', 'd', 'e', 'r') AND ${inRoleSchema('n')}
        AND ${notExtensionMember('pg_type', 't.oid')}
        -- A table's row type follows the table; only stand-alone composite types are altered.
        AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
      ORDER BY 1`, [session.master_oid, spec.roleName])).rows) {
    await run(`ALTER ${kind === 'd' ? 'DOMAIN' : 'TYPE'} ${name} OWNER TO ${role}`);
  }
  return changes;
}

/** ALTER keyword by `pg_class.relkind`. */
const RELATION_KINDS: { [relkind: string]: string } = {
  r: 'TABLE', p: 'TABLE', v: 'VIEW', m: 'MATERIALIZED VIEW', S: 'SEQUENCE', f: 'FOREIGN TABLE',
};

/** SQL: the object is not part of an extension (those stay with whoever installed the extension). */
function notExtensionMember(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;
}

/** SQL: schema `alias` is one the role (parameter $2) may create in, and not a system schema. */
function inRoleSchema(alias: string): string {
  return `${alias}.nspname !~ '^pg_' AND ${alias}.nspname <> 'information_schema' AND has_schema_privilege($2, ${alias}.oid, 'CREATE')`;
}

async function flag(client: SqlClient, query: string, values?: unknown[]): Promise<boolean> {
  const row = (await client.query(query, values)).rows[0];
  return Object.values(row)[0] === true;
}

function checkSpec(spec: HasuraRoleSpec): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(spec.roleName)) {
    throw new Error(`Role name "${spec.roleName}": use 1 to 63 lower-case letters, digits and underscores, not starting with a digit.`);
  }
  if (!Number.isInteger(spec.connectionLimit) || spec.connectionLimit < 1) {
    throw new Error(`Connection limit ${spec.connectionLimit}: use a whole number of at least 1.`);
  }
}

/** A double-quoted SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted SQL string (with standard_conforming_strings on, backslashes are plain characters). */
function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, '\'\'')}'`;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 7677, RFC 5802; PostgreSQL's
 * `scram_build_secret`): `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64. PostgreSQL
 * stores a verifier it is given as it is, whatever `password_encryption` says, and SASLprep leaves ASCII
 * unchanged, so the password is limited to printable ASCII (what Secrets Manager generates).
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16), iterations: number = 4096): string {
  if (!/^[\x20-\x7e]+$/.test(password)) {
    throw new Error('The role\'s password must be printable ASCII (what Secrets Manager generates); it is not.');
  }
  const saltedPassword = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', saltedPassword).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', saltedPassword).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
