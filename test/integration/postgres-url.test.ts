/**
 * The database URL that the Hasura container assembles at start, checked against a real PostgreSQL
 * server that only accepts TLS connections with scram-sha-256 passwords.
 *
 * Everything that ships is read from a synthesized template: the container's entry point (the start
 * script), its command, its environment, the secret it takes the credentials from and that secret's
 * password rules. The start script then runs as ECS would run it (`/bin/sh -c <script> <command...>`,
 * with dash and with bash as `/bin/sh`), except that a checker stands in for `graphql-engine`: it
 * connects with the URL it was handed and reports whether the session uses TLS.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DATABASE_PASSWORD_EXCLUDED_CHARACTERS } from '../../src/database/database-checks';
import { containerNamed, environmentOf, onlyResource, synthPlatform } from '../util';
import { cleanEnvironment, requireOnPath, startTlsPostgres, TlsPostgres } from './postgres-server';

// ---------------------------------------------------------------------------------------------------
// What ships: read from the template.
// ---------------------------------------------------------------------------------------------------

const { template } = synthPlatform();
const hasura = containerNamed(template, 'hasura');
const entryPoint: string[] = hasura.EntryPoint;
const command: string[] = hasura.Command;
const templateEnvironment = environmentOf(hasura);
const templateSecrets: Array<{ Name: string; ValueFrom: any }> = hasura.Secrets ?? [];

/** The secret the container's database user comes from: Hasura's own role's. */
const credentialsSecretId: string = JSON.stringify(templateSecrets.find((s) => s.Name === 'PLATFORM_DB_USER')?.ValueFrom).match(/"Ref":"(\w+)"/)![1];
const credentialsSecret = template.findResources('AWS::SecretsManager::Secret')[credentialsSecretId];
const generateSecretString = credentialsSecret.Properties.GenerateSecretString;
const roleUsername: string = JSON.parse(generateSecretString.SecretStringTemplate).username;
const passwordLength: number = generateSecretString.PasswordLength;

/** What Secrets Manager draws from: printable ASCII without space (33..126), minus the excluded characters. */
const PLATFORM_PASSWORD_CHARACTERS = Array.from({ length: 126 - 33 + 1 }, (_, i) => String.fromCharCode(33 + i))
  .filter((c) => !DATABASE_PASSWORD_EXCLUDED_CHARACTERS.includes(c))
  .join('');

/** Every printable ASCII character including space: what a rotated or hand-set password may contain. */
const PRINTABLE_ASCII = Array.from({ length: 126 - 32 + 1 }, (_, i) => String.fromCharCode(32 + i)).join('');

// ---------------------------------------------------------------------------------------------------
// Credentials to check.
// ---------------------------------------------------------------------------------------------------

/** A small seeded generator (Park-Miller "minimal standard"), so the "random" passwords are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

function randomString(random: () => number, alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

interface Credentials {
  readonly label: string;
  readonly user: string;
  readonly password: string;
}

const random = seededRandom(20240611);
const NEEDS_ENCODING = [...PLATFORM_PASSWORD_CHARACTERS].filter((c) => !/[A-Za-z0-9._~-]/.test(c)).join('');

/** Passwords only from the generator's character set, for the generated role. */
const GENERATED_CASES: Credentials[] = [
  { label: 'every character the generator can draw', user: roleUsername, password: PLATFORM_PASSWORD_CHARACTERS },
  { label: 'every character the generator can draw, reversed', user: roleUsername, password: [...PLATFORM_PASSWORD_CHARACTERS].reverse().join('') },
  { label: `only the generator's characters that need encoding (${NEEDS_ENCODING})`, user: roleUsername, password: randomString(random, NEEDS_ENCODING, passwordLength) },
  { label: 'encoded characters first and last', user: roleUsername, password: '^=,Password1,=^' },
  { label: 'a single ^', user: roleUsername, password: '^' },
  ...Array.from({ length: 10 }, (_, i) => ({
    label: `seeded random generated password #${i + 1}`,
    user: roleUsername,
    password: randomString(random, PLATFORM_PASSWORD_CHARACTERS, passwordLength),
  })),
];

/** Role names that need encoding (PostgreSQL accepts any of them as a quoted identifier), with generated passwords. */
const USER_NAME_CASES: Credentials[] = [
  'app^user,=',
  'user name with spaces',
  'Mixed.Case-user_~',
  ` ${PRINTABLE_ASCII.replace(/[A-Za-z0-9 ]/g, '')}`,
].map((user) => ({ label: `user ${JSON.stringify(user)}`, user, password: randomString(random, PLATFORM_PASSWORD_CHARACTERS, passwordLength) }));

/** Beyond the generator: passwords with characters it excludes, as after a rotation or a manual reset. */
const OTHER_ASCII_CASES: Credentials[] = [
  { label: 'every printable ASCII character', user: roleUsername, password: PRINTABLE_ASCII },
  { label: 'URL delimiters @ / : ? # and a bare %', user: roleUsername, password: 'p@ss/w:rd?x#y%z' },
  { label: 'a valid percent-escape %41%42', user: roleUsername, password: '%41%42' },
  { label: 'shell and SQL quoting characters', user: roleUsername, password: '\'"\\$(id)`id`$HOME*;|&' },
  ...Array.from({ length: 3 }, (_, i) => ({
    label: `seeded random printable ASCII password #${i + 1}`,
    user: roleUsername,
    password: randomString(random, PRINTABLE_ASCII, passwordLength),
  })),
];

const CASES = [...GENERATED_CASES, ...USER_NAME_CASES, ...OTHER_ASCII_CASES];

/**
 * Credentials for the per-URL controls (sslmode=disable, wrong password). Whether the server rejects them does
 * not depend on the password, so a few representative ones keep the suite fast.
 */
const CONTROL_CASES = new Set<Credentials>([
  GENERATED_CASES[0],
  GENERATED_CASES[2],
  GENERATED_CASES[5],
  USER_NAME_CASES[USER_NAME_CASES.length - 1],
  OTHER_ASCII_CASES[0],
  OTHER_ASCII_CASES[1],
]);

// ---------------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------------

/** The reference encoding: RFC 3986 unreserved characters as they are, every other UTF-8 byte as %XX. */
function percentEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

const sqlLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;
const sqlIdentifier = (value: string) => `"${value.replace(/"/g, '""')}"`;

/** What the checker (standing in for `graphql-engine`) reports. */
interface CheckerReport {
  readonly argv: string;
  readonly passwordVariable: string;
  readonly url: string;
  readonly psqlExit: number;
  readonly psqlOutput: string[];
}

const SHELLS = ['dash', 'bash'];

/** Whether libpq misreads these credentials in a URL without percent-encoding (found by trying each ASCII character). */
const breaksUnencodedUrl = (c: Credentials) => /[%/@]/.test(c.password) || /[%/@:]/.test(c.user);

const SSL_QUERY = 'select ssl from pg_stat_ssl where pid = pg_backend_pid()';

// ---------------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------------

describe('the Hasura start script against PostgreSQL with TLS required', () => {
  let pg: TlsPostgres;
  let checker: string;
  let home: string;
  let databaseName: string;
  let shellPaths: { [name: string]: string };

  /** Environment as ECS would give it, with the endpoint of the test server and the given credentials. */
  function containerEnvironment(credentials: Credentials, overrides: { [name: string]: string } = {}): { [name: string]: string } {
    const env: { [name: string]: string } = {};
    for (const [name, value] of Object.entries(templateEnvironment)) {
      if (typeof value === 'string') {
        env[name] = value;
      }
    }
    return cleanEnvironment({
      ...env,
      PLATFORM_DB_HOST: pg.host,
      PLATFORM_DB_PORT: String(pg.port),
      PLATFORM_DB_USER: credentials.user,
      PLATFORM_DB_PASSWORD: credentials.password,
      PATH: `${pg.binDir}${path.delimiter}${process.env.PATH}`,
      HOME: home, // no ~/.postgresql/root.crt: only the sslrootcert the template names decides
      // The engine image holds the RDS certificate authorities at the path the template names; here the
      // test server's own certificate stands for them, as its endpoint stands for the database's.
      ...(typeof templateEnvironment.PLATFORM_DB_SSLROOTCERT === 'string' ? { PLATFORM_DB_SSLROOTCERT: pg.certFile } : {}),
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      ...overrides,
    });
  }

  /** Current password of each role, so a password is only set when it changes. */
  const passwords = new Map<string, string>();
  function setPassword(credentials: Credentials) {
    if (passwords.get(credentials.user) !== credentials.password) {
      pg.superuserSql(`ALTER ROLE ${sqlIdentifier(credentials.user)} PASSWORD ${sqlLiteral(credentials.password)};`);
      passwords.set(credentials.user, credentials.password);
    }
  }

  /** What the start script handed over, by shell and credentials (with the template's sslmode). */
  const reports = new Map<string, CheckerReport>();
  function reportFor(shell: string, credentials: Credentials): CheckerReport {
    const key = JSON.stringify([shell, credentials.user, credentials.password]);
    if (!reports.has(key)) {
      runStartScript(shell, credentials);
    }
    return reports.get(key)!;
  }

  /** `/bin/sh -c <script> <command...>` with `shell` as /bin/sh and the checker in place of graphql-engine. */
  function runStartScript(shell: string, credentials: Credentials, envOverrides: { [name: string]: string } = {}): CheckerReport {
    const result = spawnSync(shellPaths[shell], [entryPoint[1], entryPoint[2], checker, ...command.slice(1)], {
      argv0: entryPoint[0],
      env: containerEnvironment(credentials, envOverrides),
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.status !== 0) {
      throw new Error(`start script under ${shell} exited ${result.status}: ${result.stdout}${result.stderr}`);
    }
    const match = /^argv=(.*)\npassword-variable=(set|unset)\nurl=(.*)\n--- psql\n([\s\S]*)--- psql exit (\d+)\n$/.exec(result.stdout);
    if (!match) {
      throw new Error(`unexpected checker output under ${shell}: ${result.stdout}${result.stderr}`);
    }
    const report: CheckerReport = {
      argv: match[1],
      passwordVariable: match[2],
      url: match[3],
      psqlOutput: match[4].split('\n').filter((line) => line !== ''),
      psqlExit: Number(match[5]),
    };
    if (Object.keys(envOverrides).length === 0) {
      reports.set(JSON.stringify([shell, credentials.user, credentials.password]), report);
    }
    return report;
  }

  /** psql with `url`, as the checker runs it; returns exit code and all output. */
  function psqlWith(url: string): { status: number | null; output: string } {
    const result = spawnSync(path.join(pg.binDir, 'psql'), [url, '-X', '-At', '-c', SSL_QUERY], {
      env: cleanEnvironment({ HOME: home }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  beforeAll(async () => {
    shellPaths = Object.fromEntries(SHELLS.map((shell) => [shell, requireOnPath(shell)]));
    pg = await startTlsPostgres();
    home = path.join(pg.baseDir, 'home');
    fs.mkdirSync(home);
    databaseName = templateEnvironment.PLATFORM_DB_NAME as string;

    const roles = [...new Set(CASES.map((c) => c.user))];
    pg.superuserSql([
      `CREATE DATABASE ${sqlIdentifier(databaseName)};`,
      ...roles.map((role) => `CREATE ROLE ${sqlIdentifier(role)} LOGIN;`),
    ].join('\n'));

    checker = path.join(pg.baseDir, 'graphql-engine-stand-in');
    fs.writeFileSync(checker, [
      '#!/bin/sh',
      '# Stands in for graphql-engine: reports what the start script handed over and connects with its URL.',
      'printf \'argv=%s\\n\' "$*"',
      'if [ -n "${PLATFORM_DB_PASSWORD+set}" ]; then echo password-variable=set; else echo password-variable=unset; fi',
      'printf \'url=%s\\n\' "${HASURA_GRAPHQL_DATABASE_URL-}"',
      'echo \'--- psql\'',
      `psql "$HASURA_GRAPHQL_DATABASE_URL" -X -At -c '${SSL_QUERY}' -c 'select current_user' 2>&1`,
      'echo "--- psql exit $?"',
      '',
    ].join('\n'), { mode: 0o755 });
  }, 120_000);

  afterAll(async () => {
    await pg?.stop();
  });

  describe('what the template ships', () => {
    test('the entry point is a /bin/sh -c script and the command is graphql-engine serve', () => {
      expect(entryPoint).toHaveLength(3);
      expect(entryPoint.slice(0, 2)).toEqual(['/bin/sh', '-c']);
      expect(command).toEqual(['graphql-engine', 'serve']);
    });

    test('the database endpoint comes from the DB instance, sslmode is verify-full with the RDS authorities, and no URL is in the template', () => {
      const instanceId = Object.keys(template.findResources('AWS::RDS::DBInstance'))[0];
      expect(templateEnvironment.PLATFORM_DB_HOST).toEqual({ 'Fn::GetAtt': [instanceId, 'Endpoint.Address'] });
      expect(templateEnvironment.PLATFORM_DB_PORT).toEqual({ 'Fn::GetAtt': [instanceId, 'Endpoint.Port'] });
      expect(typeof templateEnvironment.PLATFORM_DB_NAME).toBe('string');
      expect(templateEnvironment.PLATFORM_DB_SSLMODE).toBe('verify-full');
      expect(templateEnvironment.PLATFORM_DB_SSLROOTCERT).toBe('/etc/ssl/certs/rds-global-bundle.pem');
      expect(Object.keys(templateEnvironment)).not.toContain('HASURA_GRAPHQL_DATABASE_URL');
      expect(templateSecrets.map((s) => s.Name)).not.toContain('HASURA_GRAPHQL_DATABASE_URL');
      const forceSsl = onlyResource(template, 'AWS::RDS::DBParameterGroup').Properties.Parameters['rds.force_ssl'];
      expect(forceSsl).toBe('1');
    });

    test('user and password come from the role\'s generated secret, whose excluded characters are DATABASE_PASSWORD_EXCLUDED_CHARACTERS', () => {
      const valueFrom = (name: string) => templateSecrets.find((s) => s.Name === name)?.ValueFrom;
      expect(valueFrom('PLATFORM_DB_USER')).toEqual({ 'Fn::Join': ['', [{ Ref: credentialsSecretId }, ':username::']] });
      expect(valueFrom('PLATFORM_DB_PASSWORD')).toEqual({ 'Fn::Join': ['', [{ Ref: credentialsSecretId }, ':password::']] });
      expect(generateSecretString.ExcludeCharacters).toBe(DATABASE_PASSWORD_EXCLUDED_CHARACTERS);
      // Nothing else narrows or widens the character set.
      expect(Object.keys(generateSecretString).sort()).toEqual(['ExcludeCharacters', 'GenerateStringKey', 'PasswordLength', 'SecretStringTemplate']);
      // Hasura's own role, never the master user (whose secret no Hasura container reads).
      expect(roleUsername).toBe('hasura');
      const masterSecretId = JSON.stringify(onlyResource(template, 'AWS::RDS::DBInstance').Properties.MasterUsername).match(/"Ref":"(\w+)"/)![1];
      expect(credentialsSecretId).not.toBe(masterSecretId);
      expect(passwordLength).toBe(30);
    });

    test('the generator can draw characters that a URL must encode', () => {
      expect(PLATFORM_PASSWORD_CHARACTERS).toHaveLength(94 - DATABASE_PASSWORD_EXCLUDED_CHARACTERS.length + 1); // the space is not in 33..126
      expect(NEEDS_ENCODING.length).toBeGreaterThan(0);
      expect(NEEDS_ENCODING).toContain('^');
      for (const c of [...GENERATED_CASES, ...USER_NAME_CASES]) {
        expect([...c.password].every((char) => PLATFORM_PASSWORD_CHARACTERS.includes(char))).toBe(true);
      }
      const randomOnes = GENERATED_CASES.filter((c) => c.label.startsWith('seeded random'));
      expect(randomOnes.filter((c) => /[^A-Za-z0-9._~-]/.test(c.password)).length).toBeGreaterThan(0);
    });
  });

  describe('the test server', () => {
    test('rejects TCP without TLS and stores SCRAM verifiers', () => {
      const credentials = GENERATED_CASES[0];
      setPassword(credentials);
      const stored = pg.superuserSql(`SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = ${sqlLiteral(credentials.user)};`);
      expect(stored.trim()).toBe('t');
      const hba = pg.superuserSql('SELECT type, address, auth_method FROM pg_hba_file_rules WHERE type LIKE \'host%\' ORDER BY line_number;');
      expect(hba.trim().split('\n')).toEqual([
        'hostnossl|0.0.0.0|reject',
        'hostnossl|::|reject',
        'hostssl|127.0.0.1|scram-sha-256',
      ]);
      expect(pg.superuserSql('SHOW ssl;').trim()).toBe('on');
    });
  });

  // Per credentials: the start script under each shell, then the controls that must fail.
  describe.each(CASES.map((c) => [c.label, c] as const))('%s', (_label, credentials) => {
    beforeAll(() => setPassword(credentials));

    test.each(SHELLS)('with %s as /bin/sh: connects over TLS, URL encoded exactly, password variable cleared', (shell) => {
      const report = runStartScript(shell, credentials);

      // The command after the script is the container's command, minus the program the checker replaces.
      expect(report.argv).toBe(command.slice(1).join(' '));
      expect(report.passwordVariable).toBe('unset');

      // The URL: RFC 3986 user-info, decoding back to exactly the credentials.
      const expectedUrl = `postgres://${percentEncode(credentials.user)}:${percentEncode(credentials.password)}`
        + `@${pg.host}:${pg.port}/${databaseName}?sslmode=${templateEnvironment.PLATFORM_DB_SSLMODE}&sslrootcert=${pg.certFile}`;
      expect(report.url).toBe(expectedUrl);
      const userInfo = /^postgres:\/\/((?:[A-Za-z0-9._~-]|%[0-9A-F]{2})+):((?:[A-Za-z0-9._~-]|%[0-9A-F]{2})+)@[^@/]+\/[A-Za-z0-9_]+\?sslmode=verify-full&sslrootcert=\S+$/.exec(report.url);
      expect(userInfo).not.toBeNull();
      expect(decodeURIComponent(userInfo![1])).toBe(credentials.user);
      expect(decodeURIComponent(userInfo![2])).toBe(credentials.password);

      // The connection: it succeeded, over TLS, as the intended role.
      expect({ exit: report.psqlExit, output: report.psqlOutput }).toEqual({ exit: 0, output: ['t', credentials.user] });
    });

    if (CONTROL_CASES.has(credentials)) {
      test('control: the same URL with sslmode=disable is rejected, and so is a wrong password', () => {
        const url = reportFor('dash', credentials).url;

        const plain = psqlWith(url.replace(/sslmode=verify-full&sslrootcert=\S+$/, 'sslmode=disable'));
        expect(plain.status).not.toBe(0);
        expect(plain.output).toMatch(/pg_hba\.conf rejects connection .* no encryption/);

        // The server really checks the password, so the successes above are not a lenient server.
        const wrong = psqlWith(url.replace(/@127\.0\.0\.1:/, 'X@127.0.0.1:'));
        expect(wrong.status).not.toBe(0);
        expect(wrong.output).toMatch(/password authentication failed/);
      });
    }

    if (breaksUnencodedUrl(credentials)) {
      test('control: an unencoded URL fails, while the script\'s encoded URL works', () => {
        const report = reportFor('dash', credentials);
        expect({ exit: report.psqlExit, output: report.psqlOutput }).toEqual({ exit: 0, output: ['t', credentials.user] });

        const unencoded = psqlWith(`postgres://${credentials.user}:${credentials.password}@${pg.host}:${pg.port}/${databaseName}`
          + `?sslmode=verify-full&sslrootcert=${pg.certFile}`);
        expect(unencoded.status).not.toBe(0);
        expect(unencoded.output).not.toMatch(/^t$/m);
      });
    }
  });

  describe('controls across credentials', () => {
    test('dash and bash assemble the same URL for all credentials', () => {
      for (const credentials of CASES) {
        expect(reportFor('bash', credentials).url).toBe(reportFor('dash', credentials).url);
      }
    });

    test('the sslmode the script is given decides: with sslmode=disable the server rejects the connection', () => {
      const credentials = GENERATED_CASES[0];
      setPassword(credentials);
      const report = runStartScript('dash', credentials, { PLATFORM_DB_SSLMODE: 'disable', PLATFORM_DB_SSLROOTCERT: '' });
      expect(report.url).toMatch(/\?sslmode=disable$/);
      expect(report.psqlExit).not.toBe(0);
      expect(report.psqlOutput.join('\n')).toMatch(/pg_hba\.conf rejects connection .* no encryption/);
    });

    test('verify-full verifies: a server whose certificate another authority signed is refused', () => {
      const credentials = GENERATED_CASES[0];
      setPassword(credentials);
      const otherAuthority = path.join(home, 'other-authority.crt');
      const made = spawnSync(requireOnPath('openssl'), ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
        '-nodes', '-keyout', path.join(home, 'other-authority.key'), '-out', otherAuthority, '-days', '1', '-subj', '/CN=impostor'],
      { encoding: 'utf8', timeout: 60_000 });
      expect(made.status).toBe(0);
      const report = runStartScript('dash', credentials, { PLATFORM_DB_SSLROOTCERT: otherAuthority });
      expect(report.url).toContain(`sslmode=verify-full&sslrootcert=${otherAuthority}`);
      expect(report.psqlExit).not.toBe(0);
      expect(report.psqlOutput.join('\n')).toMatch(/certificate verify failed/);
    });

    // libpq tolerates every character the generator draws in an unencoded URL: in a password only %, / and @
    // break it (and : too in a user name), and the generator excludes all of them. So for generated passwords
    // the tests above assert the exact encoding and its decoding; these credentials show the encoding matters.
    test('some credentials break an unencoded URL, and none of them is a generated password', () => {
      const breaking = CASES.filter(breaksUnencodedUrl);
      expect(breaking.length).toBeGreaterThanOrEqual(4);
      expect(GENERATED_CASES.filter(breaksUnencodedUrl)).toEqual([]);
    });
  });
});
