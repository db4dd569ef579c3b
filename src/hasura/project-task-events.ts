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
  /** The Hasura engine image the task runs, e.g. `hasura/graphql-engine:v2.51.3.cli-migrations-v3`. */
  readonly EngineVersion: string;
}

/** The fields of a provider-framework event the handlers read. */
export interface ProjectTaskEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly RequestId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: ProjectTaskProperties;
  /** On Update: the properties before it (during an update rollback, those of the failed update). */
  readonly OldResourceProperties?: ProjectTaskProperties;
  /** What the start handler returned, merged in by the provider framework for the status handler. */
  readonly Data?: ProjectTaskData;
}

/** What the start handler hands to the status handler. */
export interface ProjectTaskData {
  /** The task to wait for. */
  readonly TaskArn?: string;
  /** Why no task was started, when none was. */
  readonly Skipped?: string;
  /** When the task was started (ISO 8601), to give an eventually consistent DescribeTasks some time. */
  readonly StartedAt?: string;
}

/** What the start handler returns. */
export interface ProjectTaskStartResult {
  readonly PhysicalResourceId: string;
  readonly Data?: ProjectTaskData;
}

/** What the status handler returns. */
export interface ProjectTaskStatusResult {
  readonly IsComplete: boolean;
  readonly Data?: { readonly TaskArn: string; readonly ExitCode: string };
}

/**
 * The version in an engine image reference (`...:v2.51.3.cli-migrations-v3` -> [2, 51, 3]), or undefined
 * when the reference names no version.
 */
export function engineVersionOf(image: string | undefined): number[] | undefined {
  const match = /:v(\d+)\.(\d+)\.(\d+)/.exec(image ?? '');
  return match ? match.slice(1).map(Number) : undefined;
}

/** Negative when `a` is older than `b`. */
export function compareVersions(a: number[], b: number[]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** `startedBy` tag of the tasks (ECS allows 36 characters), so operators can find them. */
export const STARTED_BY = 'hasura-project-deployment';

/** The awslogs stream of a task: `<prefix>/<container>/<task id>`. */
export function logStreamOf(properties: ProjectTaskProperties, taskArn: string): string {
  const taskId = taskArn.split('/').pop();
  return `${properties.LogStreamPrefix}/${properties.ContainerName}/${taskId}`;
}
