import { DescribeTasksCommand, ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { ProjectTaskEvent, ProjectTaskProperties } from '../../src/hasura/project-task-events';
import { handler as start } from '../../src/hasura/project-task-start.lambda';
import { handler as status } from '../../src/hasura/project-task-status.lambda';

const ecs = mockClient(ECSClient);
beforeEach(() => ecs.reset());

const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/cluster/0123456789abcdef';
const PROPERTIES: ProjectTaskProperties = {
  Cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/cluster',
  TaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/project:7',
  Subnets: ['subnet-1', 'subnet-2'],
  SecurityGroups: ['sg-1'],
  ContainerName: 'hasura-project',
  LogGroupName: 'project-logs',
  LogStreamPrefix: 'apply',
  ProjectHash: 'abc',
};

function event(requestType: ProjectTaskEvent['RequestType'], extra: Partial<ProjectTaskEvent> = {}): ProjectTaskEvent {
  return { RequestType: requestType, LogicalResourceId: 'Apply', RequestId: 'req-1', ResourceProperties: PROPERTIES, ...extra };
}

describe('start (onEvent)', () => {
  test.each(['Create', 'Update'] as const)('%s runs one Fargate task in the private subnets and returns its ARN', async (requestType) => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
    const result = await start(event(requestType, requestType === 'Update' ? { PhysicalResourceId: 'Apply-req-0' } : {}));
    expect(result).toEqual({ PhysicalResourceId: requestType === 'Update' ? 'Apply-req-0' : 'Apply-req-1', Data: { TaskArn: TASK_ARN } });
    const calls = ecs.commandCalls(RunTaskCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({
      cluster: PROPERTIES.Cluster,
      taskDefinition: PROPERTIES.TaskDefinition,
      launchType: 'FARGATE',
      count: 1,
      startedBy: 'hasura-project-deployment',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
    });
  });

  test('a task that never started fails with the reasons ECS gave', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn: PROPERTIES.TaskDefinition, reason: 'RESOURCE:ENI', detail: 'no free addresses' }] });
    await expect(start(event('Create'))).rejects.toThrow(
      `The task that applies the Hasura project did not start: ${PROPERTIES.TaskDefinition}: RESOURCE:ENI (no free addresses)`);
  });

  test('Delete runs nothing and keeps the physical id', async () => {
    const result = await start(event('Delete', { PhysicalResourceId: 'Apply-req-0' }));
    expect(result).toEqual({ PhysicalResourceId: 'Apply-req-0' });
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
  });
});

describe('status (isComplete)', () => {
  const waiting = (requestType: ProjectTaskEvent['RequestType'] = 'Create') => event(requestType, { Data: { TaskArn: TASK_ARN } });

  test('complete when the task stopped with exit code 0', async () => {
    ecs.on(DescribeTasksCommand, { cluster: PROPERTIES.Cluster, tasks: [TASK_ARN] }).resolves({
      tasks: [{ taskArn: TASK_ARN, lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', containers: [{ name: 'hasura-project', exitCode: 0 }] }],
    });
    await expect(status(waiting())).resolves.toEqual({ IsComplete: true, Data: { TaskArn: TASK_ARN, ExitCode: '0' } });
  });

  test.each(['PROVISIONING', 'PENDING', 'RUNNING', 'DEPROVISIONING'])('not complete while the task is %s', async (lastStatus) => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus, containers: [{ name: 'hasura-project' }] }] });
    await expect(status(waiting('Update'))).resolves.toEqual({ IsComplete: false });
  });

  test('a non-zero exit fails with the stop reason, the exit code and the log stream', async () => {
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [{
        taskArn: TASK_ARN,
        lastStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'hasura-project', exitCode: 1 }],
      }],
    });
    const failure = status(waiting());
    await expect(failure).rejects.toThrow(`Applying the Hasura project failed: task ${TASK_ARN} stopped `
      + '(EssentialContainerExited: Essential container in task exited), exit code 1. '
      + 'Logs: log group project-logs, stream apply/hasura-project/0123456789abcdef');
  });

  test('a task stopped before its container ran (no exit code) fails with the reason', async () => {
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [{
        taskArn: TASK_ARN,
        lastStatus: 'STOPPED',
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'ResourceInitializationError: unable to pull secrets',
        containers: [{ name: 'hasura-project', reason: 'CannotPullContainerError' }],
      }],
    });
    await expect(status(waiting())).rejects.toThrow(
      /stopped \(TaskFailedToStart: ResourceInitializationError: unable to pull secrets: CannotPullContainerError\), exit code none/);
  });

  test('a task ECS cannot find fails with the reason', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] });
    await expect(status(waiting())).rejects.toThrow(`The task ${TASK_ARN} that applies the Hasura project cannot be found: MISSING`);
  });

  test('Delete is complete at once, without calling ECS', async () => {
    await expect(status(event('Delete', { PhysicalResourceId: 'Apply-req-0' }))).resolves.toEqual({ IsComplete: true });
    expect(ecs.calls()).toHaveLength(0);
  });
});
