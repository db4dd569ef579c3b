import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { acknowledge, nistAndHipaa } from './acknowledge';

/**
 * Acknowledges the findings on the Lambda function that aws-cdk-lib's BucketDeployment creates (one
 * per stack) to copy files at deploy time: it is aws-cdk-lib's code, run only by CloudFormation.
 * The wildcard findings are acknowledged one by one, as the rule packs name them, for the grants
 * present when this is called (the source asset and the destination bucket).
 */
export function acknowledgeBucketDeployment(deployment: s3deploy.BucketDeployment): void {
  const role = deployment.handlerRole;
  acknowledge(role, 'The role of aws-cdk-lib\'s BucketDeployment handler: the AWS managed basic execution policy lets'
    + ' it write its own logs.', 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]');
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy instanceof iam.Policy) {
    acknowledge(policy, 'aws-cdk-lib grants its BucketDeployment handler object-level access (wildcards over the keys'
      + ' and the S3 read/write action groups) to the source asset and the destination bucket only.',
    ...wildcardFindings(Stack.of(policy).resolve(policy.document.toJSON())).map((finding) => `AwsSolutions-IAM5[${finding}]`),
    ...nistAndHipaa('IAMNoInlinePolicy'));
  }
  // The function itself is a child of the stack; its CloudFormation resource is the narrowest scope.
  const handler = role.node.scope?.node.defaultChild;
  if (handler !== undefined) {
    acknowledge(handler, 'aws-cdk-lib\'s BucketDeployment handler runs only when CloudFormation deploys the stack:'
      + ' its runtime, placement, concurrency and failure handling are aws-cdk-lib\'s and a failure fails the deployment.',
    'AwsSolutions-L1', ...nistAndHipaa('LambdaConcurrency'), ...nistAndHipaa('LambdaDLQ'), ...nistAndHipaa('LambdaInsideVPC'));
  }
}

/** The wildcard actions and resources of a resolved policy document, named as the rule packs name them. */
function wildcardFindings(document: { Statement?: Array<{ Effect: string; Action: unknown; Resource: unknown }> }): string[] {
  const found = new Set<string>();
  for (const statement of document.Statement ?? []) {
    if (statement.Effect !== 'Allow') {
      continue;
    }
    for (const action of ([] as unknown[]).concat(statement.Action)) {
      if (typeof action === 'string' && action.includes('*')) {
        found.add(`Action::${action}`);
      }
    }
    for (const resource of ([] as unknown[]).concat(statement.Resource).map(flatten)) {
      if (resource.includes('*')) {
        found.add(`Resource::${resource}`);
      }
    }
  }
  return [...found];
}

/** Writes a CloudFormation reference as `<LogicalId.Attribute>`, `<AWS::Region>` and so on. */
function flatten(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const node = value as { [key: string]: any };
  if (node.Ref !== undefined) {
    return `<${node.Ref}>`;
  }
  if (node['Fn::GetAtt'] !== undefined) {
    return `<${node['Fn::GetAtt'].join('.')}>`;
  }
  if (node['Fn::Sub'] !== undefined && typeof node['Fn::Sub'] === 'string') {
    return node['Fn::Sub'].replace(/\$\{([^}]+)\}/g, '<$1>');
  }
  if (node['Fn::Join'] !== undefined) {
    const [separator, parts] = node['Fn::Join'];
    return (parts as unknown[]).map(flatten).join(separator);
  }
  return JSON.stringify(value);
}
