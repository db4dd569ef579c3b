// The README tells the truth: its figures (floors, counts, ids) are what the code and the synthesized
// templates say. (API.md and the docstrings: test/package.test.ts.)
import * as fs from 'fs';
import * as path from 'path';
import { exampleTemplate } from './examples/helpers';

const ROOT = path.resolve(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Every match of `pattern` in the README, as its first group. */
function readmeFigures(pattern: RegExp): string[] {
  return [...README.matchAll(pattern)].map((match) => match[1]);
}

describe('the README\'s figures', () => {
  test('the Node.js floor is package.json\'s engines', () => {
    const floor = /^>= (\d+)\.0\.0$/.exec(PACKAGE.engines.node)![1];
    // Every floor the README states: "Node.js >= N" and "Node.js N or later".
    const stated = [...README.matchAll(/Node\.js (?:>= (\d+)|(\d+) or later)/g)].map((match) => match[1] ?? match[2]);
    expect(stated.length).toBeGreaterThanOrEqual(3);
    expect(stated.filter((major) => major !== floor)).toEqual([]);
    expect(README).toContain(`Node.js ${floor} or later`);
  });

  test('the Python floor is the one jsii-pacmak writes into the wheel', () => {
    const pacmak = fs.readFileSync(require.resolve('jsii-pacmak/lib/targets/python.js'), 'utf8');
    const floor = /python_requires: '>=(3\.\d+)'/.exec(pacmak)![1];
    const stated = readmeFigures(/Python (?:>= ?)?(3\.\d+)\+?/g);
    expect(stated.length).toBeGreaterThanOrEqual(2);
    expect(stated.filter((version) => version !== floor)).toEqual([]);
    expect(README).toContain(`Requires-Python: >=${floor}`);
  });

  test('the Go floor is the one the Go example\'s go.mod names', () => {
    const goMod = fs.readFileSync(path.join(ROOT, 'examples', 'hasura-blog-prod-go', 'go.mod'), 'utf8');
    const floor = /^go (\d+\.\d+)/m.exec(goMod)![1];
    const stated = readmeFigures(/Go (\d+\.\d+)(?:\+| or later)/g);
    expect(stated.length).toBeGreaterThanOrEqual(2);
    expect(stated.filter((version) => version !== floor)).toEqual([]);
  });

  test('resource counts are those of the synthesized examples', () => {
    const count = (name: string) => Object.keys(exampleTemplate(name).Resources).length;
    // The Python example synthesizes the TypeScript production template (test/integration/languages.test.ts).
    expect(readmeFigures(/synthesized all (\d+) of its resources/g)).toEqual([String(count('hasura-blog-prod'))]);
    expect(readmeFigures(/pipeline stack has (\d+) resources/g)).toEqual([String(count('pipeline'))]);
  });

  test('the origin-facing prefix list id of us-east-1 is the one mix-day uses', () => {
    const row = /\| us-east-1 \| `(pl-[0-9a-f]+)` \|/.exec(README);
    const ingress = Object.values<any>(exampleTemplate('mix-day').Resources)
      .filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.SourcePrefixListId)
      .map((r) => r.Properties.SourcePrefixListId);
    expect(ingress).toEqual([row?.[1]]);
  });
});
