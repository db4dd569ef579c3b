import { DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { logStreamOf, ProjectTaskEvent, ProjectTaskStatusResult } from './project-task-events';

const ecs = new ECSClient({});

/**
 * How long after RunTask a task may still be reported MISSING: DescribeTasks is eventually consistent,
 * so a task that just started can be unknown for a short while.
 */
export const MISSING_GRACE_MS = 60_000;

/**
 * isComplete handler of the custom resource that applies a Hasura project. Complete when the task has
 * stopped with exit code 0, or when the start handler ran no task (an update rollback); a task that
 * stopped otherwise throws, with the stop reason, the exit code and the log stream, so that
 * CloudFormation fails the deployment and rolls back.
 */
export async function handler(event: ProjectTaskEvent): Promise<ProjectTaskStatusResult> {
  if (event.RequestType === 'Delete' || event.Data?.Skipped) {
    return { IsComplete: true };
  }
  const properties = event.ResourceProperties;
  const taskArn = event.Data?.TaskArn;
  if (!taskArn) {
    throw new Error('No task to wait for: the start handler returned no TaskArn.');
  }
  const response = await ecs.send(new DescribeTasksCommand({ cluster: properties.Cluster, tasks: [taskArn] }));
  const task = response.tasks?.[0];
  if (!task) {
    const failures = response.failures ?? [];
    const startedAt = Date.parse(event.Data?.StartedAt ?? '');
    if (failures.every((f) => f.reason === 'MISSING') && Date.now() - startedAt < MISSING_GRACE_MS) {
      return { IsComplete: false };
    }
    const reasons = failures.map((f) => `${f.reason}${f.detail ? ` (${f.detail})` : ''}`);
    throw new Error(`The task ${taskArn} that applies the Hasura project cannot be found: ${reasons.join('; ') || 'ECS returned no task'}`);
  }
  if (task.lastStatus !== 'STOPPED') {
    return { IsComplete: false };
  }
  const container = task.containers?.find((c) => c.name === properties.ContainerName);
  const exitCode = container?.exitCode;
  if (exitCode === 0) {
    return { IsComplete: true, Data: { TaskArn: taskArn, ExitCode: '0' } };
  }
  const reason = [task.stopCode, task.stoppedReason, container?.reason].filter(Boolean).join(': ');
  throw new Error(`Applying the Hasura project failed: task ${taskArn} stopped (${reason || 'no reason given'}), `
    + `exit code ${exitCode ?? 'none'}. Logs: log group ${properties.LogGroupName}, stream ${logStreamOf(properties, taskArn)}`);
}
