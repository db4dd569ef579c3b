// The Python, Java and Go bindings, for real: builds each package with jsii-pacmak, installs it the way
// a user of that language would, runs the hasura-blog-prod example written in that language, and
// checks that it synthesizes the same CloudFormation template as the TypeScript example.
//
// Needs python3 (with venv), a JDK with Maven, Go and the package registries. Nothing of this
// library is reused from an earlier run; Maven's ~/.m2 and Go's module cache serve as usual.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleApp } from '../../examples/example-app';
import { createStack } from '../../examples/hasura-blog-prod/main';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const DIST = path.join(ROOT, 'dist');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TARGETS = PACKAGE.jsii.targets;
/** The example apps pin exactly the versions the TypeScript tests run with. */
const CDK_VERSION: string = PACKAGE.devDependencies['aws-cdk-lib'];
const CONSTRUCTS_VERSION: string = PACKAGE.devDependencies.constructs;
const STACK = 'HasuraBlogProd';
const MINUTE = 60_000;

type Json = any;

/** Milliseconds spent per step, printed at the end. */
const timings: Array<[string, number]> = [];
/** Deviations from the exact versions that the registries forced, printed at the end. */
const notes: string[] = [];

function timed<T>(step: string, action: () => T): T {
  const started = Date.now();
  try {
    return action();
  } finally {
    timings.push([step, Date.now() - started]);
  }
}

interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMinutes?: number;
}

/** Runs a command and returns its standard output; throws with the end of its output if it fails. */
function run(command: string, args: string[], options: RunOptions = {}): string {
  const cwd = options.cwd ?? ROOT;
  const result = spawnSync(command, args, {
    cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: (options.timeoutMinutes ?? 20) * MINUTE,
  });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`
      .split('\n')
      .filter((line) => !line.includes('!!') && line.trim() !== '')
      .slice(-60)
      .join('\n');
    const why = result.error ? result.error.message : `exit code ${result.status}`;
    throw new Error(`\`${command} ${args.join(' ')}\` in ${cwd} failed (${why}):\n${output}`);
  }
  return result.stdout;
}

function succeeds(command: string, args: string[], options: RunOptions = {}): boolean {
  try {
    run(command, args, options);
    return true;
  } catch {
    return false;
  }
}

const temporaryDirs: string[] = [];

/** A fresh directory under the system's temporary directory, removed when the tests end. */
function freshDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-hasura-nextjs-${name}-`));
  temporaryDirs.push(dir);
  return dir;
}

/** Copies an example app and the Next.js app beside it, so that `../nextjs-app` resolves as in the repository. */
function copyExample(name: string, into: string): string {
  const skip = /[\\/](node_modules|\.next|cdk\.out|target)$/;
  for (const dir of [name, 'nextjs-app']) {
    fs.cpSync(path.join(EXAMPLES, dir), path.join(into, dir), { recursive: true, filter: (src) => !skip.test(src) });
  }
  return path.join(into, name);
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) return pa[i] - pb[i];
  }
  return 0;
}

let releasedCdkVersions: string[] | undefined;

/** Released aws-cdk-lib versions from CDK_VERSION downwards in the same major version, newest first. */
function cdkVersionsDownwards(): string[] {
  if (!releasedCdkVersions) {
    const all: string[] = JSON.parse(run('npm', ['view', 'aws-cdk-lib', 'versions', '--json']));
    const major = CDK_VERSION.split('.')[0];
    releasedCdkVersions = all
      .filter((v) => /^\d+\.\d+\.\d+$/.test(v) && v.split('.')[0] === major && compareVersions(v, CDK_VERSION) <= 0)
      .sort((a, b) => compareVersions(b, a));
  }
  return releasedCdkVersions;
}

/**
 * The aws-cdk-lib version a language's app runs with: CDK_VERSION when its registry serves it,
 * otherwise the newest older release that it serves (said out loud: a registry can lag behind npm).
 */
function cdkVersionFor(language: string, registry: string, isServed: (version: string) => boolean): string {
  for (const version of cdkVersionsDownwards().slice(0, 12)) {
    if (isServed(version)) {
      if (version !== CDK_VERSION) {
        const note = `${registry} does not serve aws-cdk-lib ${CDK_VERSION}: the ${language} app runs with ${version}`;
        notes.push(note);
        console.warn(note);
      }
      return version;
    }
  }
  throw new Error(`${registry} serves neither aws-cdk-lib ${CDK_VERSION} nor any of the releases just before it`);
}

/** Runs jsii-pacmak for one language into a clean dist/<language>. */
function pacmak(language: string, ...extraArgs: string[]): string {
  const outdir = path.join(DIST, language);
  fs.rmSync(outdir, { recursive: true, force: true });
  run(path.join(ROOT, 'node_modules', '.bin', 'jsii-pacmak'), ['--target', language, '--force', ...extraArgs]);
  return outdir;
}

/** Synthesizes an app in another language into a fresh directory and returns its template. */
function synthesize(language: string, command: string, args: string[], cwd: string): Json {
  const outdir = freshDir(`${language}-cdk-out`);
  timed(`${language}: synthesize`, () => run(command, args, { cwd, env: { ...process.env, CDK_OUTDIR: outdir } }));
  return JSON.parse(fs.readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** Things that legitimately differ between two syntheses of the same app. */
function withoutIncidentals(template: Json): Json {
  // Content hashes of assets (the custom resource handlers that aws-cdk-lib bundles, the image).
  const result = JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
  for (const resource of Object.values<Json>(result.Resources ?? {})) {
    if (resource.Metadata) {
      delete resource.Metadata['aws:cdk:path'];
      if (Object.keys(resource.Metadata).length === 0) delete resource.Metadata;
    }
  }
  return result;
}

/** Removes the CDK version and analytics parts from both templates, but only where they differ. */
function withoutDifferingCdkMetadata(expected: Json, actual: Json, language: string): void {
  const cdkMetadataIds = (template: Json) => Object.keys(template.Resources ?? {})
    .filter((id) => template.Resources[id].Type === 'AWS::CDK::Metadata');
  const parts: Array<[string, string]> = [
    ...[...new Set([...cdkMetadataIds(expected), ...cdkMetadataIds(actual)])].map((id): [string, string] => ['Resources', id]),
    ['Conditions', 'CDKMetadataAvailable'],
    ['Parameters', 'BootstrapVersion'],
    ['Rules', 'CheckBootstrapVersion'],
  ];
  for (const [section, id] of parts) {
    if (differences(expected[section]?.[id], actual[section]?.[id], language).length > 0) {
      for (const template of [expected, actual]) {
        if (template[section]) {
          delete template[section][id];
          if (Object.keys(template[section]).length === 0) delete template[section];
        }
      }
      notes.push(`${language}: ${section}.${id} differs (CDK version metadata) and was left out of the comparison`);
    }
  }
}

function show(value: Json): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** Every place where two JSON values differ, as readable lines; key order does not matter. */
function differences(expected: Json, actual: Json, language: string, at = ''): string[] {
  const where = at || '(template)';
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      return [`${where}: TypeScript has ${expected.length} items, ${language} ${actual.length}: ${show(expected)} vs ${show(actual)}`];
    }
    return expected.flatMap((item, i) => differences(item, actual[i], language, `${at}[${i}]`));
  }
  const isObject = (value: Json) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    return keys.flatMap((key) => differences(expected[key], actual[key], language, at ? `${at}.${key}` : key));
  }
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  return [`${where}: TypeScript has ${show(expected)}, ${language} has ${show(actual)}`];
}

/** Compares a language's template with the TypeScript one, after removing what may legitimately differ. */
function templateDifferences(typescript: Json, other: Json, language: string): string[] {
  const expected = withoutIncidentals(typescript);
  const actual = withoutIncidentals(other);
  withoutDifferingCdkMetadata(expected, actual, language);
  const found = differences(expected, actual, language);
  return found.length <= 40 ? found : [...found.slice(0, 40), `... and ${found.length - 40} more differences`];
}

// ---------------------------------------------------------------------------------------------
// Go is skipped on a developer's machine whose Go module proxy does not serve the AWS CDK modules (some
// mirrors refuse them); in CI (CI=true) it must run, so a missing Go or module fails the run.

function goModulesProblem(): string | undefined {
  const module = `github.com/aws/aws-cdk-go/awscdk/v2@v${CDK_VERSION}`;
  const result = spawnSync('go', ['list', '-m', module], { cwd: freshDir('go-probe'), encoding: 'utf8', timeout: 2 * MINUTE });
  if (result.error) return undefined; // no Go at all: let the test fail and say so
  if (result.status === 0) return undefined;
  return `the Go module proxy does not serve ${module}: ${(result.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`;
}

const goProblem = goModulesProblem();
const skipGo = goProblem !== undefined && process.env.CI !== 'true';
if (skipGo) {
  console.warn(`Skipping the Go example: ${goProblem}`);
}

/** Prints the files of the npm tarball that jsii-pacmak packed into a wheel (`<module>/_jsii/*.jsii.tgz`). */
const WHEEL_PACKAGE_FILES = [
  'import sys, tarfile, zipfile',
  'wheel = zipfile.ZipFile(sys.argv[1])',
  'name = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))',
  'print("\\n".join(tarfile.open(fileobj=wheel.open(name)).getnames()))',
].join('\n');

/** A Python app with a Hasura project, which needs the bundled Lambda handlers from the wheel. */
const PYTHON_PROJECT_APP = [
  'import os, sys',
  'from aws_cdk import App, Environment, Stack',
  'from aws_cdk import aws_ecs as ecs',
  'from cdk_hasura_nextjs import HasuraNextjsPlatform, HasuraOptions, HasuraProject, NextjsOptions',
  'examples = sys.argv[1]',
  'app = App()',
  'stack = Stack(app, "WithProject", env=Environment(region="us-east-1"))',
  'HasuraNextjsPlatform(stack, "Platform", platform_name="with-project",',
  '    nextjs=NextjsOptions(image=ecs.ContainerImage.from_asset(os.path.join(examples, "nextjs-app"))),',
  '    hasura=HasuraOptions(desired_count=1, project=HasuraProject.from_directory(os.path.join(examples, "hasura-project"))))',
  'app.synth()',
].join('\n');

// ---------------------------------------------------------------------------------------------

describe('the hasura-blog-prod example in Python, Java and Go synthesizes the TypeScript template', () => {
  const started = Date.now();
  let typescript: Json;

  beforeAll(() => {
    typescript = timed('typescript: synthesize', () => Template.fromStack(createStack(exampleApp())).toJSON());
    // Fresh jsii assembly, so the packages are built from the current sources.
    timed('compile (jsii)', () => run('npx', ['projen', 'compile']));
  }, 10 * MINUTE);

  afterAll(() => {
    for (const dir of temporaryDirs) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const lines = timings.map(([step, ms]) => `  ${step.padEnd(40)} ${(ms / 1000).toFixed(1).padStart(7)} s`);
    lines.push(`  ${'total'.padEnd(40)} ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s`);
    console.log([
      `aws-cdk-lib ${CDK_VERSION}, constructs ${CONSTRUCTS_VERSION}`,
      ...notes.map((note) => `note: ${note}`),
      ...(skipGo ? [`note: Go was skipped: ${goProblem}`] : []),
      'time per step:',
      ...lines,
    ].join('\n'));
  });

  test('the TypeScript template is the production stack', () => {
    expect(typescript.Description).toBe('Hasura Blog production: Hasura and Next.js on ECS Fargate, RDS PostgreSQL');
    expect(Object.keys(typescript.Resources).length).toBeGreaterThan(50);
  });

  test('Python: wheel from jsii-pacmak, installed with pip into a clean virtualenv', () => {
    const distDir = timed('python: package (jsii-pacmak)', () => pacmak('python'));
    const wheel = fs.readdirSync(distDir).find((file) => file.endsWith('.whl'));
    expect(wheel).toBeDefined();

    const venv = path.join(freshDir('python'), 'venv');
    const bin = (name: string) => path.join(venv, 'bin', name);
    const pipEnv = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' };
    timed('python: install', () => {
      run('python3', ['-m', 'venv', venv]);
      const served = run(bin('pip'), ['index', 'versions', 'aws-cdk-lib'], { env: pipEnv });
      const available = new Set((/Available versions: (.*)/.exec(served)?.[1] ?? '').split(',').map((v) => v.trim()));
      const cdkVersion = cdkVersionFor('Python', 'PyPI', (version) => available.has(version));
      const pins = [`aws-cdk-lib==${cdkVersion}`, `constructs==${CONSTRUCTS_VERSION}`];
      if (cdkVersion === CDK_VERSION) {
        // The wheel's own requirements must be satisfiable together with the pinned versions.
        run(bin('pip'), ['install', path.join(distDir, wheel!), ...pins], { env: pipEnv });
      } else {
        run(bin('pip'), ['install', ...pins], { env: pipEnv });
        run(bin('pip'), ['install', '--no-deps', path.join(distDir, wheel!)], { env: pipEnv });
      }
    });

    const template = synthesize('python', bin('python'), ['app.py'], path.join(EXAMPLES, 'hasura-blog-prod-python'));
    expect(templateDifferences(typescript, template, 'Python')).toEqual([]);

    // The wheel carries the compiled library with its Lambda handlers, and nothing else of the clone
    // (CI has made a .venv at the repository root by now).
    const packed = run('python3', ['-c', WHEEL_PACKAGE_FILES, path.join(distDir, wheel!)]).split('\n');
    expect(packed).toEqual(expect.arrayContaining(['package/assets/hasura/project-task-start.lambda/index.js',
      'package/assets/hasura/project-task-status.lambda/index.js', 'package/assets/operations/deletion-protection.lambda/index.js']));
    expect(packed.filter((file) => /^package\/(\.venv|venv|src|test|examples|scripts)\//.test(file))).toEqual([]);

    // ...so a Python app with a Hasura project synthesizes, its handlers staged from the wheel.
    const outdir = freshDir('python-project-cdk-out');
    timed('python: synthesize with a Hasura project', () => run(bin('python'), ['-c', PYTHON_PROJECT_APP, EXAMPLES],
      { env: { ...process.env, CDK_OUTDIR: outdir } }));
    const withProject = JSON.parse(fs.readFileSync(path.join(outdir, 'WithProject.template.json'), 'utf8'));
    const handlers = Object.values<Json>(withProject.Resources).filter((r) => r.Type === 'AWS::Lambda::Function'
      && /the one-off task that applies the Hasura project/.test(r.Properties.Description ?? ''));
    expect(handlers.length).toBeGreaterThanOrEqual(2);
    // Each handler's code asset (`<hash>.zip`) is a folder staged into the cloud assembly, with its bundle.
    const assets = JSON.parse(fs.readFileSync(path.join(outdir, 'WithProject.assets.json'), 'utf8')).files;
    for (const handler of handlers) {
      const hash = /^([0-9a-f]{64})\.zip$/.exec(handler.Properties.Code.S3Key)![1];
      expect(fs.existsSync(path.join(outdir, assets[hash].source.path, 'index.js'))).toBe(true);
    }
  }, 30 * MINUTE);

  test('Java: jar built from the jsii-pacmak sources, installed into a Maven repository', () => {
    const { groupId, artifactId } = TARGETS.java.maven;
    const cdkVersion = timed('java: find aws-cdk-lib on Maven Central', () =>
      cdkVersionFor('Java', 'Maven Central', (version) => succeeds('mvn', ['-B', '-q', '-U', 'dependency:get',
        `-Dartifact=software.amazon.awscdk:aws-cdk-lib:${version}:pom`, '-Dtransitive=false'], { timeoutMinutes: 5 })));

    const work = freshDir('java');
    const repository = path.join(work, 'repository');
    const localRepository = path.join(os.homedir(), '.m2', 'repository');
    const settings = path.join(work, 'settings.xml');
    fs.writeFileSync(settings, [
      '<settings>',
      `  <localRepository>${localRepository}</localRepository>`,
      '  <profiles><profile><id>dist</id><repositories>',
      `    <repository><id>dist</id><url>file://${repository}</url></repository>`,
      '  </repositories></profile></profiles>',
      '  <activeProfiles><activeProfile>dist</activeProfile></activeProfiles>',
      '</settings>',
    ].join('\n'));

    const jar = timed('java: package (jsii-pacmak + mvn)', () => {
      const sources = pacmak('java', '--code-only');
      const build = path.join(work, 'build');
      fs.cpSync(sources, build, { recursive: true });
      // Compile against the aws-cdk-lib that the app runs with (the generated pom asks for a range).
      const pomFile = path.join(build, 'pom.xml');
      const pom = fs.readFileSync(pomFile, 'utf8');
      const cdkDependency = /(<artifactId>aws-cdk-lib<\/artifactId>\s*<version>)[^<]*(<\/version>)/;
      expect(pom).toMatch(cdkDependency);
      fs.writeFileSync(pomFile, pom.replace(cdkDependency, `$1${cdkVersion}$2`));
      run('mvn', ['-B', '-q', 'package', '-Dmaven.javadoc.skip=true'], { cwd: build });
      return path.join(build, 'target', `${artifactId}-${PACKAGE.version}.jar`);
    });

    const app = copyExample('hasura-blog-prod-java', work);
    timed('java: install', () => {
      // Users get the pom that jsii-pacmak generated, version range and all.
      run('mvn', ['-B', '-q', 'install:install-file', `-Dfile=${jar}`, `-DpomFile=${path.join(DIST, 'java', 'pom.xml')}`,
        `-DlocalRepositoryPath=${repository}`]);
      // A copy of this library cached by an earlier run must not stand in for the one just built.
      fs.rmSync(path.join(localRepository, ...groupId.split('.')), { recursive: true, force: true });
      run('mvn', ['-B', '-q', '-s', settings, `-Dcdk.version=${cdkVersion}`, `-Dconstructs.version=${CONSTRUCTS_VERSION}`,
        `-Dcdk-hasura-nextjs.version=${PACKAGE.version}`, 'compile'], { cwd: app });
    });

    const template = synthesize('java', 'mvn', ['-B', '-q', '-s', settings, `-Dcdk.version=${cdkVersion}`,
      `-Dconstructs.version=${CONSTRUCTS_VERSION}`, `-Dcdk-hasura-nextjs.version=${PACKAGE.version}`, 'exec:java'], app);
    fs.rmSync(path.join(localRepository, ...groupId.split('.')), { recursive: true, force: true });
    expect(templateDifferences(typescript, template, 'Java')).toEqual([]);
  }, 30 * MINUTE);

  (skipGo ? test.skip : test)('Go: module generated by jsii-pacmak, used through a replace directive', () => {
    if (goProblem) {
      throw new Error(`CI=true, and the Go example cannot run: ${goProblem}`);
    }
    const moduleDir = timed('go: package (jsii-pacmak)', () => path.join(pacmak('go', '--code-only'), TARGETS.go.packageName));
    const modulePath = `${TARGETS.go.moduleName}/${TARGETS.go.packageName}`;

    const app = copyExample('hasura-blog-prod-go', freshDir('go'));
    const binary = path.join(app, 'hasura-blog-prod');
    timed('go: install and build', () => {
      run('go', ['mod', 'edit', `-replace=${modulePath}=${moduleDir}`], { cwd: app });
      run('go', ['mod', 'tidy'], { cwd: app });
      run('go', ['build', '-o', binary, '.'], { cwd: app });
    });

    const template = synthesize('go', binary, [], app);
    expect(templateDifferences(typescript, template, 'Go')).toEqual([]);
  }, 30 * MINUTE);
});
