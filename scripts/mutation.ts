// A hand-made mutation run: realistic regressions, each applied alone to the sources, each run against
// the jest files that should catch it. A mutation the tests let pass ("survived") is a gap in the tests.
//
//   npx projen mutation                 # every mutation
//   npx projen mutation -- waf price    # only those whose id contains one of the words
//
// The sources are changed in place and restored from memory after each run (also on Ctrl-C); a
// mutation whose search text is no longer in its file is reported as stale, so the list keeps up with
// the code. Not part of `npm test` or CI: it takes a few minutes.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

interface Edit {
  /** The exact text to replace; it must occur once in the file. */
  readonly search: string;
  readonly replace: string;
}

interface Mutation {
  /** Short, unique name. */
  readonly id: string;
  /** The regression, as a reviewer would describe the bug. */
  readonly description: string;
  /** The source file, relative to the repository root. */
  readonly file: string;
  readonly edits: Edit[];
  /** The jest files that should catch it. */
  readonly tests: string[];
  /** Optional: only the tests whose names match this (jest `-t`), to keep the run short. */
  readonly testNamePattern?: string;
}

const ROOT = path.resolve(__dirname, '..');

const MUTATIONS: Mutation[] = [
  {
    id: 'price-db-class',
    description: 'a database class price is mistyped (db.t3.micro $0.017/h instead of $0.018/h)',
    file: 'src/operations/prices.ts',
    edits: [{ search: "['t3.micro', { hourlyUsd: 0.018, vcpus: 2 }]", replace: "['t3.micro', { hourlyUsd: 0.017, vcpus: 2 }]" }],
    tests: ['test/operations/cost-model.test.ts'],
    testNamePattern: 'database class',
  },
  {
    id: 'price-db-class-graviton',
    description: 'a Graviton database class is priced like its x86 sibling (db.r6g.large)',
    file: 'src/operations/prices.ts',
    edits: [{ search: "['r6g.large', { hourlyUsd: 0.225, vcpus: 2 }]", replace: "['r6g.large', { hourlyUsd: 0.25, vcpus: 2 }]" }],
    tests: ['test/operations/cost-model.test.ts'],
    testNamePattern: 'database class',
  },
  {
    id: 'price-nat-instance',
    description: 'a NAT instance type price is mistyped (t3.micro)',
    file: 'src/operations/prices.ts',
    edits: [{ search: "['t3.micro', 0.0104]", replace: "['t3.micro', 0.0114]" }],
    tests: ['test/operations/cost-model.test.ts'],
    testNamePattern: 'NAT instance',
  },
  {
    id: 'migration-folder-regex',
    description: 'the migration folder pattern accepts a name without a timestamp (`init_notes`)',
    file: 'src/hasura/project-checks.ts',
    edits: [{ search: 'const MIGRATION_FOLDER = /^(\\d+)_(.+)$/;', replace: 'const MIGRATION_FOLDER = /^(\\w+?)_(.+)$/;' }],
    tests: ['test/hasura/project-checks.test.ts'],
  },
  {
    id: 'database-url-object',
    description: 'any object is taken for `database_url: { from_env: ... }`',
    file: 'src/hasura/project-checks.ts',
    edits: [{
      search: "  if (typeof fromEnv === 'string' && fromEnv.length > 0) {\n    return fromEnv;",
      replace: "  if (typeof url === 'object' && url !== null) {\n    return String(fromEnv);",
    }],
    tests: ['test/hasura/project-checks.test.ts'],
  },
  {
    id: 'project-folder-singular',
    description: 'a misspelt `migration/` folder is accepted, and its migrations never applied',
    file: 'src/hasura/project-checks.ts',
    edits: [{ search: "const PROJECT_FOLDERS = ['metadata', 'migrations', 'seeds'];", replace: "const PROJECT_FOLDERS = ['metadata', 'migrations', 'migration', 'seeds'];" }],
    tests: ['test/hasura/project-checks.test.ts'],
  },
  {
    id: 'static-site-index',
    description: 'a static site folder without index.html is uploaded (the site answers 403)',
    file: 'src/edge/static-site-checks.ts',
    edits: [{ search: '!fs.existsSync(path.join(resolved, rootObject))', replace: '!fs.existsSync(resolved)' }],
    tests: ['test/edge/edge.test.ts'],
    testNamePattern: 'StaticSite',
  },
  {
    id: 'web-acl-name',
    description: 'the web ACL name check lets dots through (WAF refuses them at deploy time)',
    file: 'src/edge/web-acl-checks.ts',
    edits: [{ search: '/^[A-Za-z0-9_-]{1,50}$/', replace: '/^[A-Za-z0-9_.-]{1,50}$/' }],
    tests: ['test/edge/edge.test.ts'],
    testNamePattern: 'web ACL name',
  },
  {
    id: 'waf-rule-action',
    description: 'the web ACL\'s own rules count instead of block (tuning mode left on)',
    file: 'src/edge/web-acl.ts',
    edits: [{ search: 'const ruleAction = block ? { block: {} } : { count: {} };', replace: 'const ruleAction = { count: {} };' }],
    tests: ['test/edge/edge.test.ts'],
    testNamePattern: 'CloudFront, WAF',
  },
  {
    id: 'waf-managed-override',
    description: 'the AWS managed rule groups are overridden to count',
    file: 'src/edge/web-acl.ts',
    edits: [{ search: 'const groupOverride = block ? { none: {} } : { count: {} };', replace: 'const groupOverride = { count: {} };' }],
    tests: ['test/edge/edge.test.ts'],
    testNamePattern: 'CloudFront, WAF',
  },
  {
    id: 'waf-log-retention',
    description: 'the web ACL logs are kept a month, not the documented year',
    file: 'src/edge/web-acl.ts',
    edits: [{ search: 'retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,', replace: 'retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,' }],
    tests: ['test/edge/edge.test.ts'],
    testNamePattern: 'CloudFront, WAF',
  },
  {
    id: 'secret-in-environment',
    description: 'NEXTAUTH_SECRET is moved into the plain environment',
    file: 'src/nextjs/nextjs-environment.ts',
    edits: [
      { search: '  NEXTAUTH_SECRET: (c) => ecs.Secret.fromSecretsManager(c.nextAuthSecret),\n', replace: '' },
      {
        search: '  NEXTAUTH_URL: (c) => c.siteUrl,\n',
        replace: '  NEXTAUTH_URL: (c) => c.siteUrl,\n  NEXTAUTH_SECRET: (c) => c.nextAuthSecret.secretValue.unsafeUnwrap(),\n',
      },
    ],
    tests: ['test/security.test.ts'],
    testNamePattern: 'plain environment',
  },
  {
    id: 'secret-wrong-source',
    description: 'Next.js reads NEXTAUTH_SECRET from the Hasura admin secret (a copy-paste slip)',
    file: 'src/nextjs/nextjs-environment.ts',
    edits: [{
      search: 'NEXTAUTH_SECRET: (c) => ecs.Secret.fromSecretsManager(c.nextAuthSecret),',
      replace: 'NEXTAUTH_SECRET: (c) => ecs.Secret.fromSecretsManager(c.hasura?.adminSecret ?? c.nextAuthSecret),',
    }],
    tests: ['test/security.test.ts'],
    testNamePattern: 'plain environment',
  },
  {
    id: 'admin-secret-exposed',
    description: 'Next.js gets the Hasura admin secret without asking for it',
    file: 'src/nextjs/nextjs-environment.ts',
    edits: [{ search: 'HASURA_GRAPHQL_ADMIN_SECRET: (c) => (c.options.exposeHasuraAdminSecret && c.hasura', replace: 'HASURA_GRAPHQL_ADMIN_SECRET: (c) => (c.hasura' }],
    tests: ['test/security.test.ts'],
    testNamePattern: 'plain environment',
  },
  {
    id: 'topic-policy-principal',
    description: 'the alarm topic lets the wrong service publish (events instead of cloudwatch)',
    file: 'src/operations/monitoring.ts',
    edits: [{ search: "principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],", replace: "principals: [new iam.ServicePrincipal('events.amazonaws.com')]," }],
    tests: ['test/operations/monitoring.test.ts'],
  },
  {
    id: 'connection-reserve',
    description: 'the connection budget forgets the operators\' reserve (3 instead of 3 + 5)',
    file: 'src/database/connection-budget.ts',
    edits: [{ search: 'export const RESERVED_CONNECTIONS = 3 + 5;', replace: 'export const RESERVED_CONNECTIONS = 3;' }],
    tests: ['test/runtime-wiring.test.ts'],
  },
  {
    id: 'connection-peak',
    description: 'the connection budget plans for the steady task count, not the peak of a deploy',
    file: 'src/database/connection-budget.ts',
    edits: [{ search: 'const pools = demands.reduce((sum, demand) => sum + demand.peakTasks * demand.poolsPerTask, 0);', replace: 'const pools = demands.reduce((sum, demand) => sum + demand.steadyTasks * demand.poolsPerTask, 0);' }],
    tests: ['test/runtime-wiring.test.ts'],
  },
  {
    id: 'max-connections-formula',
    description: 'RDS\'s max_connections formula divides by the wrong constant',
    file: 'src/database/max-connections.ts',
    edits: [{ search: 'const BYTES_PER_CONNECTION = 9531392;', replace: 'const BYTES_PER_CONNECTION = 8388608;' }],
    tests: ['test/runtime-wiring.test.ts'],
  },
  {
    id: 'database-construct-id',
    description: 'the database construct is renamed, which replaces the deployed database',
    file: 'src/platform.ts',
    edits: [{ search: "this.database = new PlatformDatabase(this, 'Database', {", replace: "this.database = new PlatformDatabase(this, 'Db', {" }],
    tests: ['test/contracts/stateful-ids.test.ts'],
    testNamePattern: 'hasura-blog-prod',
  },
  {
    id: 'tls-verify',
    description: 'Hasura stops verifying the database certificate (sslmode=require)',
    file: 'src/hasura/start-script.ts',
    edits: [{ search: "PLATFORM_DB_SSLMODE: verifyServer ? 'verify-full' : 'require',", replace: "PLATFORM_DB_SSLMODE: 'require'," }],
    tests: ['test/security.test.ts'],
    testNamePattern: 'TLS',
  },
  {
    id: 'admin-apis-default',
    description: 'the metadata API is on by default',
    file: 'src/hasura/hasura-environment.ts',
    edits: [{ search: ': [HasuraApi.GRAPHQL];', replace: ': [HasuraApi.GRAPHQL, HasuraApi.METADATA];' }],
    tests: ['test/security.test.ts'],
    testNamePattern: 'locked down',
  },
  {
    id: 'idle-timeout-default',
    description: 'the load balancer idle timeout default goes back to 60 s (above Hasura\'s keep-alive: 502s)',
    file: 'src/edge/load-balancer.ts',
    edits: [{ search: 'const DEFAULT_IDLE_TIMEOUT_SECONDS = 25;', replace: 'const DEFAULT_IDLE_TIMEOUT_SECONDS = 60;' }],
    tests: ['test/runtime-wiring.test.ts'],
  },
];

interface Outcome {
  readonly mutation: Mutation;
  readonly result: 'killed' | 'survived' | 'stale';
  readonly seconds: number;
  readonly detail?: string;
}

/** Originals of the files being mutated, restored on exit whatever happens. */
const originals = new Map<string, string>();

function restoreAll(): void {
  for (const [file, text] of originals) {
    fs.writeFileSync(file, text);
  }
  originals.clear();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    restoreAll();
    process.exit(130);
  });
}

function apply(mutation: Mutation): string | undefined {
  const file = path.join(ROOT, mutation.file);
  const original = fs.readFileSync(file, 'utf8');
  let mutated = original;
  for (const edit of mutation.edits) {
    const count = mutated.split(edit.search).length - 1;
    if (count !== 1) {
      return `the search text occurs ${count} times in ${mutation.file}: ${JSON.stringify(edit.search)}`;
    }
    mutated = mutated.replace(edit.search, () => edit.replace);
  }
  originals.set(file, original);
  fs.writeFileSync(file, mutated);
  return undefined;
}

function run(mutation: Mutation): Outcome {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const stale = apply(mutation);
  if (stale) {
    return { mutation, result: 'stale', seconds: seconds(), detail: stale };
  }
  try {
    const args = ['jest', '--ci', '--silent', ...(mutation.testNamePattern ? ['-t', mutation.testNamePattern] : []), ...mutation.tests];
    const jest = spawnSync('npx', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const output = `${jest.stdout}\n${jest.stderr}`;
    const summary = /Tests:.*$/m.exec(output)?.[0];
    if (jest.status === 0) {
      return { mutation, result: 'survived', seconds: seconds(), detail: summary };
    }
    const failed = [...output.matchAll(/^\s+● (.+)$/gm)].map((match) => match[1]);
    return { mutation, result: 'killed', seconds: seconds(), detail: failed[0] ?? summary ?? `jest exited ${jest.status}` };
  } finally {
    restoreAll();
  }
}

function main(): void {
  const words = process.argv.slice(2);
  const selected = words.length === 0 ? MUTATIONS : MUTATIONS.filter((m) => words.some((word) => m.id.includes(word)));
  const started = Date.now();
  const outcomes: Outcome[] = [];
  for (const mutation of selected) {
    process.stdout.write(`${mutation.id}: ${mutation.description} ... `);
    const outcome = run(mutation);
    outcomes.push(outcome);
    console.log(`${outcome.result.toUpperCase()} (${outcome.seconds} s)${outcome.detail ? `\n    ${outcome.detail}` : ''}`);
  }
  const count = (result: Outcome['result']) => outcomes.filter((o) => o.result === result).length;
  const scored = outcomes.length - count('stale');
  console.log([
    '',
    `killed ${count('killed')} of ${scored} (${scored === 0 ? 0 : Math.round(100 * count('killed') / scored)}%),`
      + ` survived ${count('survived')}, stale ${count('stale')}; ${Math.round((Date.now() - started) / 1000)} s`,
    ...outcomes.filter((o) => o.result !== 'killed').map((o) => `  ${o.result}: ${o.mutation.id} (${o.mutation.file})`),
  ].join('\n'));
  process.exitCode = count('survived') + count('stale') > 0 ? 1 : 0;
}

main();
