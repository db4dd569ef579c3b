/**
 * What the custom resource that applies a Hasura project passes to its handlers, and what they return.
 * Shared by the construct and both handlers, so the names cannot drift apart.
 */

/** Resource properties, all strings (CloudFormation passes every property as a string). */
export interface ProjectTaskProperties {
  /** ARN of the cluster to run the task in. */
  readonly Cluster: string;
  /** ARN of the task definition revision to run. */
  readonly TaskDefinition: string;
  /** Subnet ids for the task. */
  readonly Subnets: string[];
  /** Security group ids for the task. */
  readonly SecurityGroups: string[];
  /** Name of the container whose exit code decides success. */
  readonly ContainerName: string;
  /** Log group of the task, for the error message. */
  readonly LogGroupName: string;
  /** awslogs stream prefix of the task, for the error message. */
  readonly LogStreamPrefix: string;
  /** Fingerprint of the project content; a change re-runs the task. */
  readonly ProjectHash: string;
}

/** The fields of a provider-framework event the handlers read. */
export interface ProjectTaskEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly LogicalResourceId: string;
  readonly RequestId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: ProjectTaskProperties;
  /** What the start handler returned, merged in by the provider framework for the status handler. */
  readonly Data?: { readonly TaskArn?: string };
}

/** What the start handler returns. */
export interface ProjectTaskStartResult {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly TaskArn: string };
}

/** What the status handler returns. */
export interface ProjectTaskStatusResult {
  readonly IsComplete: boolean;
  readonly Data?: { readonly TaskArn: string; readonly ExitCode: string };
}

/** `startedBy` tag of the tasks (ECS allows 36 characters), so operators can find them. */
export const STARTED_BY = 'hasura-project-deployment';

/** The awslogs stream of a task: `<prefix>/<container>/<task id>`. */
export function logStreamOf(properties: ProjectTaskProperties, taskArn: string): string {
  const taskId = taskArn.split('/').pop();
  return `${properties.LogStreamPrefix}/${properties.ContainerName}/${taskId}`;
}
