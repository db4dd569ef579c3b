// What users install: the API as jsii compiles it for npm, PyPI, Maven, NuGet and Go (warnings are errors),
// API.md as jsii-docgen makes it from that API, and the npm tarball, which jsii-pacmak packs into the Python
// wheel, the Java jar and the Go module, so whatever lies at the repository root (a virtualenv from the
// README's Python steps, caches, scripts) would otherwise ship in every language's package.
//
// jsii compiles first, in a child process; jest runs this file before the others (test/setup/sequencer.js),
// so the compiler uses one core while the other worker synthesizes.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, runTool, ToolRun } from './tools';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(file) : entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** The top-level entries a published package may hold. */
const ALLOWED_TOP_LEVEL = ['.jsii', 'API.md', 'LICENSE', 'README.md', 'assets', 'docs', 'lib', 'node_modules', 'package.json'];

/** The files `npm pack` would put into the tarball, with a stray virtualenv and dotenv file at the root. */
function packedFiles(): string[] {
  const probes = [path.join(ROOT, '.venv', 'lib', 'python3.12', 'site-packages', 'probe.py'), path.join(ROOT, '.env')];
  const created = probes.filter((probe) => !fs.existsSync(probe));
  const createdDirs = fs.existsSync(path.join(ROOT, '.venv')) ? [] : [path.join(ROOT, '.venv')];
  try {
    for (const probe of created) {
      fs.mkdirSync(path.dirname(probe), { recursive: true });
      fs.writeFileSync(probe, '# a file that must not be packaged\n');
    }
    const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`npm pack --dry-run failed: ${result.stderr}`);
    }
    return JSON.parse(result.stdout)[0].files.map((file: { path: string }) => file.path);
  } finally {
    for (const probe of created) {
      fs.rmSync(probe, { force: true });
    }
    for (const dir of createdDirs) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

let compile: ToolRun;
let apiMd: string;
const docgenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-md-'));
afterAll(() => fs.rmSync(docgenDir, { recursive: true, force: true }));

beforeAll(() => {
  // What `npx projen compile` runs: lib/ and the .jsii assembly that every language's package is made from.
  compile = runTool('jsii', ['--fail-on-warnings']);
  const docgen = compile.status === 0 ? runTool('jsii-docgen', ['-o', path.join(docgenDir, 'API.md')]) : compile;
  apiMd = docgen.status === 0 ? fs.readFileSync(path.join(docgenDir, 'API.md'), 'utf8') : docgen.output;
}, 600_000);

describe('the API', () => {
  test('compiles for every jsii language, without a warning', () => {
    expect(compile.status === 0 ? '' : compile.output).toBe('');
  });

  test('API.md is what jsii-docgen makes of it (`npx projen docgen` writes it)', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8').split('\n');
    const generated = apiMd.split('\n');
    const firstDifference = generated.findIndex((line, index) => line !== committed[index]);
    expect({ lines: committed.length, firstDifference: firstDifference < 0 ? undefined : `line ${firstDifference + 1}: ${generated[firstDifference]}` })
      .toEqual({ lines: generated.length, firstDifference: undefined });
  });
});

describe('API.md and the docstrings it is made from', () => {
  test('no {@link} (TypeScript-only markup that Python, Java, Go and C# readers see raw)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8')).not.toContain('{@link');
    const linking = sourceFiles(path.join(ROOT, 'src')).filter((file) => fs.readFileSync(file, 'utf8').includes('{@link'));
    expect(linking.map((file) => path.relative(ROOT, file))).toEqual([]);
  });

  test('every documented default has the shape of its prop\'s type', () => {
    // The jsii assembly that the compile above wrote.
    const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));
    const wrong: string[] = [];
    for (const [fqn, type] of Object.entries<any>(assembly.types)) {
      for (const prop of type.properties ?? []) {
        const documented: string | undefined = prop.docs?.default;
        if (documented === undefined || documented.startsWith('-')) {
          continue; // "- what happens", in words
        }
        const shape = prop.type.primitive === 'number' ? /^\d[\d_.]*$|^\[\d+(, \d+)*\]$/
          : prop.type.primitive === 'boolean' ? /^(true|false)$/
            : prop.type.primitive === 'string' ? /^'[^']*'$|^"[^"]*"$/
              // A Duration, an enum member or a factory call names its type: Duration.seconds(30), logs.RetentionDays.ONE_YEAR.
              : prop.type.fqn ? new RegExp(`\\b${prop.type.fqn.split('.').pop()}\\.`)
                : undefined;
        if (shape && !shape.test(documented)) {
          wrong.push(`${fqn}.${prop.name}: @default ${documented}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the npm tarball (and so every language package)', () => {
  let files: string[];
  // After the compile: the tarball holds what it wrote.
  beforeAll(() => {
    files = packedFiles();
  });

  test('holds the compiled library, the jsii assembly and the bundled Lambda handlers', () => {
    expect(files).toEqual(expect.arrayContaining(['.jsii', 'lib/index.js', 'lib/index.d.ts', 'API.md', 'package.json',
      'assets/hasura/project-task-start.lambda/index.js', 'assets/hasura/project-task-status.lambda/index.js',
      'assets/hasura/database-role.lambda/index.js', 'assets/operations/deletion-protection.lambda/index.js', 'node_modules/yaml/package.json']));
  });

  test('holds nothing else of the clone: no virtualenv, dotenv file, sources, tests, examples or scripts', () => {
    const topLevel = [...new Set(files.map((file) => file.split('/')[0]))].sort();
    expect(topLevel.filter((entry) => !ALLOWED_TOP_LEVEL.includes(entry))).toEqual([]);
    expect(files.filter((file) => /(^|\/)(\.venv|__pycache__)\/|\.pyc$|^\.env$/.test(file))).toEqual([]);
  });
});
