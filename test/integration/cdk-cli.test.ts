// `cd examples/<name> && npx cdk synth` works with the CDK CLI from devDependencies, offline, and
// with the same strict context the other example tests synthesize with.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_CONTEXT } from '../../examples/example-app';
import { exampleTemplate } from '../examples/helpers';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const appFolders = fs.readdirSync(EXAMPLES).filter((name) => fs.existsSync(path.join(EXAMPLES, name, 'cdk.json'))).sort();

test('every example folder is a CDK app, in every language', () => {
  expect(appFolders).toEqual(expect.arrayContaining([
    'hasura-blog-dev', 'hasura-blog-https', 'hasura-blog-prod',
    'hasura-blog-prod-go', 'hasura-blog-prod-java', 'hasura-blog-prod-python',
  ]));
});

describe.each(appFolders)('examples/%s/cdk.json', (name) => {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(EXAMPLES, name, 'cdk.json'), 'utf8'));

  test('turns on the strict template validation the example tests use', () => {
    expect(cdkJson.context).toMatchObject(EXAMPLE_CONTEXT);
  });

  test('works offline: no notices download, no telemetry', () => {
    expect(cdkJson.notices).toBe(false);
    expect(cdkJson.context['cli-telemetry']).toBe(false);
  });
});

test('`npx cdk synth` in examples/hasura-blog-dev writes the template the tests check', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-cli-synth-'));
  try {
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir], {
      cwd: path.join(EXAMPLES, 'hasura-blog-dev'),
      encoding: 'utf8',
      timeout: 150_000,
      // Any attempt to reach the internet fails at once instead of waiting on a network that is not there.
      env: { ...process.env, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' },
    });
    expect({ status: result.status, error: result.error?.message, stderr: result.status === 0 ? '' : result.stderr })
      .toEqual({ status: 0, error: undefined, stderr: '' });
    const templateFile = path.join(outdir, 'HasuraBlogDev.template.json');
    expect(fs.existsSync(templateFile)).toBe(true);
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
    const expected = exampleTemplate('hasura-blog-dev');
    // The CLI adds its version-reporting resource; everything else is the app's.
    const ids = Object.keys(template.Resources).filter((id) => template.Resources[id].Type !== 'AWS::CDK::Metadata');
    expect(ids.sort()).toEqual(Object.keys(expected.Resources).sort());
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 180_000);
