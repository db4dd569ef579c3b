import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { ProjectTaskEvent, ProjectTaskStartResult, STARTED_BY } from './project-task-events';

const ecs = new ECSClient({});

/**
 * onEvent handler of the custom resource that applies a Hasura project: on Create and Update it starts
 * one task that applies the project and exits; on Delete it does nothing (the database keeps its schema).
 */
export async function handler(event: ProjectTaskEvent): Promise<ProjectTaskStartResult> {
  const physicalResourceId = event.PhysicalResourceId ?? `${event.LogicalResourceId}-${event.RequestId}`;
  if (event.RequestType === 'Delete') {
    return { PhysicalResourceId: physicalResourceId };
  }
  const properties = event.ResourceProperties;
  const response = await ecs.send(new RunTaskCommand({
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
  if (!taskArn) {
    const reasons = (response.failures ?? []).map((f) => `${f.arn ?? properties.TaskDefinition}: ${f.reason}${f.detail ? ` (${f.detail})` : ''}`);
    throw new Error(`The task that applies the Hasura project did not start: ${reasons.join('; ') || 'ECS returned no task'}`);
  }
  console.log(JSON.stringify({ message: 'started', taskArn, requestType: event.RequestType }));
  return { PhysicalResourceId: physicalResourceId, Data: { TaskArn: taskArn } };
}
