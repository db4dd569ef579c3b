import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ECSClient, RunTaskCommand, RunTaskCommandOutput } from '@aws-sdk/client-ecs';
import { compareVersions, engineVersionOf, ProjectTaskEvent, ProjectTaskStartResult, STARTED_BY } from './project-task-events';
import { stackStatus } from '../private/stack-status';

const ecs = new ECSClient({});
const cloudformation = new CloudFormationClient({});

/** RunTask failures that another attempt a little later can get past: no capacity, no free address yet. */
const TRANSIENT_FAILURE = /capacity|RESOURCE:ENI|RESOURCE:MEMORY|RESOURCE:CPU|AGENT|throttl/i;
/** Attempts at RunTask, and the wait before the second one (doubled after each). */
const ATTEMPTS = 5;
const FIRST_WAIT_MS = 2000;

/**
 * onEvent handler of the custom resource that applies a Hasura project. On Create and Update it starts
 * one task that applies the project and exits; on Delete it does nothing (the database keeps its schema).
 *
 * During an update rollback it starts nothing: the migrations of the failed update are not reverted,
 * so re-applying the older project could only fail on a schema it no longer describes (or downgrade the
 * catalog with an older engine). The database keeps the newer schema and metadata, which the older
 * revision must tolerate: ship migrations that expand first and contract in a later deploy.
 */
export async function handler(event: ProjectTaskEvent): Promise<ProjectTaskStartResult> {
  const physicalResourceId = event.PhysicalResourceId ?? `${event.LogicalResourceId}-${event.RequestId}`;
  if (event.RequestType === 'Delete') {
    return { PhysicalResourceId: physicalResourceId };
  }
  if (event.RequestType === 'Update') {
    const status = await stackStatus(cloudformation, event.StackId);
    if (status === 'UPDATE_ROLLBACK_IN_PROGRESS') {
      console.log(JSON.stringify({ message: 'update rollback: the project is not applied again', stackStatus: status }));
      return { PhysicalResourceId: physicalResourceId, Data: { Skipped: status } };
    }
    refuseDowngrade(event);
  }
  const taskArn = await runTask(event);
  console.log(JSON.stringify({ message: 'started', taskArn, requestType: event.RequestType }));
  return { PhysicalResourceId: physicalResourceId, Data: { TaskArn: taskArn, StartedAt: new Date().toISOString() } };
}

/** An older engine cannot serve a catalog a newer one has upgraded (hasura/graphql-engine#7768). */
function refuseDowngrade(event: ProjectTaskEvent): void {
  const before = engineVersionOf(event.OldResourceProperties?.EngineVersion);
  const after = engineVersionOf(event.ResourceProperties.EngineVersion);
  if (before && after && compareVersions(after, before) < 0) {
    throw new Error(`The Hasura engine would go back from ${event.OldResourceProperties!.EngineVersion} to`
      + ` ${event.ResourceProperties.EngineVersion}: the newer engine has upgraded the metadata catalog, which an older one`
      + ' refuses to start on (hasura/graphql-engine#7768). Keep the newer version, or restore the database from before the upgrade.');
  }
}

/** Starts the task, trying again after transient failures, and returns its ARN. */
async function runTask(event: ProjectTaskEvent): Promise<string> {
  const properties = event.ResourceProperties;
  let reasons = 'ECS returned no task';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const response: RunTaskCommandOutput = await ecs.send(new RunTaskCommand({
      cluster: properties.Cluster,
      taskDefinition: properties.TaskDefinition,
      launchType: 'FARGATE',
      count: 1,
      startedBy: STARTED_BY,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: properties.Subnets,
          securityGroups: properties.SecurityGroups,
          assignPublicIp: 'DISABLED',
        },
      },
    }));
    const taskArn = response.tasks?.[0]?.taskArn;
    if (taskArn) {
      return taskArn;
    }
    const failures = response.failures ?? [];
    reasons = failures.map((f) => `${f.arn ?? properties.TaskDefinition}: ${f.reason}${f.detail ? ` (${f.detail})` : ''}`).join('; ')
      || 'ECS returned no task';
    if (attempt === ATTEMPTS || !failures.some((f) => TRANSIENT_FAILURE.test(`${f.reason} ${f.detail ?? ''}`))) {
      break;
    }
    console.log(JSON.stringify({ message: 'RunTask failed, trying again', attempt, reasons }));
    await sleep(FIRST_WAIT_MS * 2 ** (attempt - 1));
  }
  throw new Error(`The task that applies the Hasura project did not start: ${reasons}`);
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
