import { DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { logStreamOf, ProjectTaskEvent, ProjectTaskStatusResult } from './project-task-events';

const ecs = new ECSClient({});

/**
 * isComplete handler of the custom resource that applies a Hasura project. Complete when the task has
 * stopped with exit code 0; a task that stopped otherwise throws, with the stop reason, the exit code
 * and the log stream, so that CloudFormation fails the deployment and rolls back.
 */
export async function handler(event: ProjectTaskEvent): Promise<ProjectTaskStatusResult> {
  if (event.RequestType === 'Delete') {
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
    const reasons = (response.failures ?? []).map((f) => `${f.reason}${f.detail ? ` (${f.detail})` : ''}`);
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
