// cfn-lint (informational rules included), checkov and cfn-guard with the AWS Control Tower proactive
// rules find nothing in any example template (recovery regions' too) beyond the reasoned entries of
// validator-ignores.json.
// The tools are installed by .ci/run: cfn-lint and checkov in .venv (pinned in .ci/requirements.txt),
// cfn-guard and its rules with the npm dev dependency @cdklabs/cdk-validator-cfnguard.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exampleNames, synthExample } from '../../examples/synth-all';

type Tool = 'cfn-lint' | 'checkov' | 'cfn-guard';

interface Finding {
  readonly tool: Tool;
  readonly example: string;
  readonly rule: string;
  readonly resource: string;
}

interface Ignore {
  readonly rule: string;
  readonly resources: string[];
  readonly examples?: string[];
  readonly reason: string;
}

const ROOT = path.join(__dirname, '..', '..');
const IGNORES: Record<Tool, Ignore[]> = JSON.parse(fs.readFileSync(path.join(__dirname, 'validator-ignores.json'), 'utf8'));
const GUARD_PACKAGE = path.join(ROOT, 'node_modules', '@cdklabs', 'cdk-validator-cfnguard');

/** A tool from the project's virtualenv, else from PATH; fails loudly when neither has it. */
function pythonTool(name: string): string {
  const local = path.join(ROOT, '.venv', 'bin', name);
  if (fs.existsSync(local)) {
    return local;
  }
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) {
    throw new Error(`${name} is not installed: python3 -m venv .venv && .venv/bin/pip install -r .ci/requirements.txt`);
  }
  return found;
}

function guardBinary(): string {
  const arch = os.arch() === 'arm64' ? 'aarch64' : 'x86_64';
  const platform = os.platform() === 'darwin' ? 'macos' : 'ubuntu';
  return path.join(GUARD_PACKAGE, 'bin', platform, arch, 'cfn-guard');
}

function runCfnLint(example: string, template: string): Finding[] {
  const run = spawnSync(pythonTool('cfn-lint'), ['--include-checks', 'I', '--format', 'json', '--', template], { encoding: 'utf8' });
  if (run.status !== 0 && !run.stdout.trim().startsWith('[')) {
    throw new Error(`cfn-lint failed: ${run.stderr}`);
  }
  return (JSON.parse(run.stdout) as any[]).map((match) => ({
    tool: 'cfn-lint' as const,
    example,
    rule: match.Rule.Id,
    resource: match.Location.Path?.[0] === 'Resources' ? String(match.Location.Path[1]) : String(match.Location.Path?.[0] ?? ''),
  }));
}

function runCheckov(example: string, template: string): Finding[] {
  const run = spawnSync(pythonTool('checkov'),
    ['--file', template, '--framework', 'cloudformation', '--output', 'json', '--quiet', '--compact', '--skip-download'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const parsed = JSON.parse(run.stdout);
  const reports: any[] = Array.isArray(parsed) ? parsed : [parsed];
  return reports.flatMap((report) => (report.results?.failed_checks ?? []).map((check: any) => ({
    tool: 'checkov' as const,
    example,
    rule: check.check_id,
    resource: String(check.resource).split('.').slice(1).join('.'),
  })));
}

/** cfn-guard prints one JSON document per rules file, back to back. */
function splitJsonDocuments(text: string): any[] {
  const documents: any[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') {
        i++;
      } else if (char === '"') {
        inString = false;
      }
    } else if (char === '"') {
      inString = true;
    } else if (char === '{') {
      if (depth++ === 0) {
        start = i;
      }
    } else if (char === '}' && --depth === 0) {
      documents.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return documents;
}

function runCfnGuard(example: string, template: string): Finding[] {
  const rules = path.join(GUARD_PACKAGE, 'rules', 'control-tower', 'cfn-guard');
  const run = spawnSync(guardBinary(), ['validate', '--rules', rules, '--data', template, '--output-format', 'json', '--show-summary', 'none'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 19 && run.status !== 101) {
    throw new Error(`cfn-guard failed (${run.status}): ${run.stderr}`);
  }
  return splitJsonDocuments(run.stdout).flatMap((document) => (document.not_compliant ?? []).flatMap((entry: any) => {
    const resources = new Set([...JSON.stringify(entry).matchAll(/\/Resources\/([A-Za-z0-9]+)/g)].map((m) => m[1]));
    return [...resources].map((resource) => ({ tool: 'cfn-guard' as const, example, rule: entry.Rule.name, resource }));
  }));
}

function matches(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
}

function ignoreFor(finding: Finding): Ignore | undefined {
  return IGNORES[finding.tool].find((ignore) => ignore.rule === finding.rule
    && ignore.resources.some((pattern) => matches(pattern, finding.resource))
    && (ignore.examples === undefined || ignore.examples.includes(finding.example)));
}

const examples = exampleNames();
const findings: Finding[] = [];

beforeAll(() => {
  for (const example of examples) {
    // The example's own stack and its recovery region's stack, if it has one.
    const { templateFile, recoveryTemplateFiles } = synthExample(example);
    for (const template of [templateFile, ...recoveryTemplateFiles]) {
      findings.push(...runCfnLint(example, template), ...runCheckov(example, template), ...runCfnGuard(example, template));
    }
  }
  const counts: Record<string, number> = {};
  for (const finding of findings) {
    const key = `${finding.tool}${ignoreFor(finding) ? ' (ignored)' : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  // eslint-disable-next-line no-console
  console.log(`validator findings over ${examples.length} examples: ${JSON.stringify(counts)}`);
}, 600_000);

test('the tools run and report the kind of finding they must', () => {
  expect(execFileSync(pythonTool('cfn-lint'), ['--version'], { encoding: 'utf8' })).toMatch(/cfn-lint \d/);
  expect(execFileSync(guardBinary(), ['--version'], { encoding: 'utf8' })).toMatch(/cfn-guard \d/);
  // Each tool found at least the findings the ignore list explains, so none of them silently ran nothing.
  for (const tool of ['cfn-lint', 'checkov', 'cfn-guard'] as Tool[]) {
    expect(findings.filter((f) => f.tool === tool).length).toBeGreaterThan(0);
  }
});

test.each(['cfn-lint', 'checkov', 'cfn-guard'] as Tool[])('%s finds nothing outside the reasoned ignore list', (tool) => {
  const unexplained = findings.filter((f) => f.tool === tool && !ignoreFor(f))
    .map((f) => `${f.example}: ${f.rule} on ${f.resource}`);
  expect(unexplained).toEqual([]);
});

test.each(['cfn-lint', 'checkov', 'cfn-guard'] as Tool[])('every %s ignore entry is still needed and has a specific reason', (tool) => {
  for (const ignore of IGNORES[tool]) {
    expect(ignore.reason.length).toBeGreaterThan(80);
    const used = findings.some((f) => f.tool === tool && ignoreFor(f) === ignore);
    expect({ rule: ignore.rule, used }).toEqual({ rule: ignore.rule, used: true });
  }
});

test('a real weakness is caught: an unencrypted, public database fails all three tools', () => {
  const template = JSON.parse(fs.readFileSync(synthExample('hasura-blog-prod').templateFile, 'utf8'));
  const database = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::RDS::DBInstance') as any;
  database.Properties.StorageEncrypted = false;
  delete database.Properties.KmsKeyId;
  database.Properties.PubliclyAccessible = true;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'weak-')), 'weak.template.json');
  fs.writeFileSync(file, JSON.stringify(template));
  const weak = [...runCheckov('weak', file), ...runCfnGuard('weak', file)].filter((f) => f.resource.startsWith('PlatformDatabaseInstance'));
  expect(weak.map((f) => f.rule)).toEqual(expect.arrayContaining(['CKV_AWS_16', 'CKV_AWS_17', 'rds_instance_storage_encrypted_check', 'rds_instance_public_access_check']));
  // cfn-lint validates the template's shape: a wrong type is an error.
  database.Properties.AllocatedStorage = { Broken: true };
  fs.writeFileSync(file, JSON.stringify(template));
  expect(runCfnLint('weak', file).map((f) => f.rule).some((rule) => rule.startsWith('E'))).toBe(true);
});
