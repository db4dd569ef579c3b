import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { acknowledge, nistAndHipaa } from './acknowledge';

/**
 * Acknowledges the findings on the Lambda function that aws-cdk-lib's BucketDeployment creates (one
 * per stack) to copy files at deploy time: it is aws-cdk-lib's code, run only by CloudFormation.
 */
export function acknowledgeBucketDeployment(deployment: s3deploy.BucketDeployment): void {
  const role = deployment.handlerRole;
  const handler = role.node.scope;
  acknowledge(role, 'The role of aws-cdk-lib\'s BucketDeployment handler: AWSLambdaBasicExecutionRole for its logs and'
    + ' a policy that aws-cdk-lib scopes to the source asset and the destination bucket (object wildcards within them).',
  'AwsSolutions-IAM4', 'AwsSolutions-IAM5', ...nistAndHipaa('IAMNoInlinePolicy'));
  if (handler !== undefined) {
    acknowledge(handler, 'aws-cdk-lib\'s BucketDeployment handler runs only when CloudFormation deploys the stack:'
      + ' its runtime, placement, concurrency and failure handling are aws-cdk-lib\'s and a failure fails the deployment.',
    'AwsSolutions-L1', ...nistAndHipaa('LambdaConcurrency'), ...nistAndHipaa('LambdaDLQ'), ...nistAndHipaa('LambdaInsideVPC'));
  }
}
