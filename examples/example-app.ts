import { App } from 'aws-cdk-lib';

/**
 * Context every example app runs with: aws-cdk-lib's built-in CloudFormation validation turns its
 * findings into synth errors.
 */
export const EXAMPLE_CONTEXT = {
  '@aws-cdk/core:validateAgainstDefaultRules': true,
};

/** A CDK app configured as the examples' cdk.json configures it. */
export function exampleApp(outdir?: string): App {
  return new App({ outdir, context: EXAMPLE_CONTEXT });
}
