// What the npm tarball holds. jsii-pacmak packs this same tarball into the Python wheel, the Java jar
// and the Go module, so whatever lies at the repository root (a virtualenv from the README's Python
// steps, caches, scripts) would otherwise ship in every language's package.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

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

describe('the npm tarball (and so every language package)', () => {
  const files = packedFiles();

  test('holds the compiled library, the jsii assembly and the bundled Lambda handlers', () => {
    // `npm test` compiles first; run `npx projen compile` before this file alone.
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
