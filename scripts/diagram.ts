// Draws docs/architecture.png from the synthesized hasura-blog-prod example with cdk-dia and Graphviz,
// and keeps docs/architecture.dot, cdk-dia's description of the same graph, beside it.
//
//   npx projen diagram          regenerate both files
//   npx projen diagram:check    fail when the committed files no longer match the code
//
// The check compares the DOT text, not the PNG: the picture's pixels depend on the Graphviz build and
// the fonts of the machine that renders it, while the DOT names every construct, icon, cluster and
// edge that cdk-dia derives from the construct tree, so it changes exactly when the picture should.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exampleApp } from '../examples/example-app';
import { createStack } from '../examples/hasura-blog-prod/main';

const ROOT = path.resolve(__dirname, '..');
const DOCS = path.join(ROOT, 'docs');
const CDK_DIA = path.join(ROOT, 'node_modules', '.bin', 'cdk-dia');

/** Renders the diagram into `dir`, returning the paths of the PNG and of the DOT with machine paths removed. */
function render(dir: string): { png: string; dot: string } {
  const outdir = path.join(dir, 'cdk.out');
  const app = exampleApp(outdir);
  createStack(app);
  app.synth();
  const target = path.join(dir, 'architecture.png');
  execFileSync(CDK_DIA, ['--tree', path.join(outdir, 'tree.json'), '--target', target], { stdio: 'pipe' });
  const dotFile = path.join(dir, 'architecture.dot');
  // Icons are referenced by absolute path into node_modules: keep only the part inside cdk-dia.
  const dot = fs.readFileSync(dotFile, 'utf8').replace(/"[^"]*\/node_modules\/cdk-dia\//g, '"cdk-dia/');
  fs.writeFileSync(dotFile, dot);
  return { png: target, dot: dotFile };
}

function main(): void {
  const check = process.argv.includes('--check');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-'));
  try {
    const { png, dot } = render(dir);
    const committedDot = path.join(DOCS, 'architecture.dot');
    if (check) {
      const current = fs.existsSync(committedDot) ? fs.readFileSync(committedDot, 'utf8') : '';
      if (current !== fs.readFileSync(dot, 'utf8') || !fs.existsSync(path.join(DOCS, 'architecture.png'))) {
        console.error('docs/architecture.png is stale: the construct tree changed. Run `npx projen diagram` and commit docs/.');
        process.exit(1);
      }
      console.log('docs/architecture.png matches the code.');
    } else {
      fs.mkdirSync(DOCS, { recursive: true });
      fs.copyFileSync(png, path.join(DOCS, 'architecture.png'));
      fs.copyFileSync(dot, committedDot);
      console.log('wrote docs/architecture.png and docs/architecture.dot');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
