// The sources, tests, examples and scripts pass eslint: the run `npx projen eslint` makes (its arguments
// and environment are read from .projen/tasks.json), without `--fix`, so nothing is rewritten under the
// tests. Its rules are type-aware, so eslint builds a TypeScript program of its own: it runs in a child
// process that jest starts early (test/setup/sequencer.js), on one core while the other synthesizes.
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, runTool } from './tools';

test('eslint finds nothing (`npx projen eslint` fixes what it can)', () => {
  const task = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks.eslint;
  const [command, ...args]: string[] = task.steps[0].execArgs;
  const lint = runTool(command, args.filter((arg) => arg !== '--fix' && arg !== '$@'), task.env);
  expect(lint.status === 0 ? '' : lint.output).toBe('');
}, 600_000);
