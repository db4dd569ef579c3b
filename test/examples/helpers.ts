import { Template } from 'aws-cdk-lib/assertions';
import { exampleApp } from '../../examples/example-app';

/** Synthesizes an example by folder name and returns its template as JSON. */
export function exampleTemplate(name: string): { [key: string]: any } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(`../../examples/${name}/main`);
  return Template.fromStack(example.createStack(exampleApp())).toJSON();
}

/** Replaces content hashes of assets, which change with every edit of the staged files. */
export function scrubHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}
