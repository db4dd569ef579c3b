import { App } from 'aws-cdk-lib';

/**
 * Context every example app runs with: aws-cdk-lib's built-in CloudFormation validation turns its
 * findings into synth errors.
 */
export const EXAMPLE_CONTEXT = {
  '@aws-cdk/core:validateAgainstDefaultRules': true,
};

/**
 * A CDK app configured as the examples' cdk.json configures it. With `validate` false, aws-cdk-lib's
 * built-in validation is skipped: the unit tests that read every example do so, because
 * `npm run synth:examples` and `cdk synth` (which CI runs) validate the examples as users synthesize them.
 */
export function exampleApp(outdir?: string, validate: boolean = true): App {
  return new App({ outdir, context: EXAMPLE_CONTEXT, builtinCloudFormationValidation: validate });
}
