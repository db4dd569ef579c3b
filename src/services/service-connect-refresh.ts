import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';

/** Props of `ServiceConnectRefresh`. */
export interface ServiceConnectRefreshProps {
  /** The client service whose tasks must learn of `endpoint`. */
  readonly service: ecs.FargateService;
  /** The Service Connect endpoint, `<dns name>:<port>`; a new value redeploys `service` again. */
  readonly endpoint: string;
  /** What must exist first: the service that serves `endpoint`, and `service` itself. */
  readonly after: IConstruct[];
}

/**
 * Replaces the tasks of a Service Connect client once an endpoint it calls exists. ECS gives a task's
 * Service Connect proxy the namespace's endpoints as they were when the task started ("Existing tasks
 * can't resolve and connect to the new endpoint": Amazon ECS Developer Guide, "Service Connect
 * components"). Two services that call each other cannot both start after the other, so the one that
 * starts first is redeployed (`UpdateService` with `forceNewDeployment`, a rolling deployment that keeps
 * serving) once the other's endpoint exists, and again whenever that endpoint changes.
 */
export class ServiceConnectRefresh extends Construct {
  constructor(scope: Construct, id: string, props: ServiceConnectRefreshProps) {
    super(scope, id);
    const redeploy: cr.AwsSdkCall = {
      service: 'ECS',
      action: 'updateService',
      parameters: {
        cluster: props.service.cluster.clusterArn,
        service: props.service.serviceArn,
        forceNewDeployment: true,
      },
      // The endpoint is part of the resource's properties, so that a changed endpoint is an update.
      physicalResourceId: cr.PhysicalResourceId.of(`service-connect-refresh:${props.endpoint}`),
    };
    const resource = new cr.AwsCustomResource(this, 'Resource', {
      resourceType: 'Custom::ServiceConnectRefresh',
      onCreate: redeploy,
      onUpdate: redeploy,
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
        actions: ['ecs:UpdateService'],
        resources: [props.service.serviceArn],
      })]),
      installLatestAwsSdk: false,
    });
    resource.node.addDependency(...props.after);
    acknowledge(resource, 'aws-cdk-lib attaches the one statement this resource needs (ecs:UpdateService on one'
      + ' service) to the shared handler\'s role as an inline policy of its own.', ...nistAndHipaa('IAMNoInlinePolicy'));
    acknowledgeHandler(this);
  }
}

/** The id aws-cdk-lib gives the one function behind every `AwsCustomResource` of a stack. */
const AWS_CUSTOM_RESOURCE_FUNCTION_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** What the stack's `AwsCustomResource` function does on purpose, and why. */
function acknowledgeHandler(scope: Construct): void {
  const handler = Stack.of(scope).node.tryFindChild(AWS_CUSTOM_RESOURCE_FUNCTION_ID);
  if (!handler) {
    return;
  }
  acknowledge(handler, 'A deployment-time handler of aws-cdk-lib that runs only while CloudFormation deploys its'
    + ' resources and calls only the AWS APIs named in their policies; it holds no data and reaches nothing inside'
    + ' the VPC, so a VPC placement, reserved concurrency (which fails in accounts with a low concurrency quota) and'
    + ' a dead-letter queue (it is invoked synchronously) add nothing.',
  ...nistAndHipaa('LambdaInsideVPC'), ...nistAndHipaa('LambdaConcurrency'), ...nistAndHipaa('LambdaDLQ'));
  acknowledge(handler, 'The AWS-managed AWSLambdaBasicExecutionRole grants this deployment-time handler only writing'
    + ' its own CloudWatch Logs.',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]');
}
