import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTasksCommand, ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { ProjectTaskEvent, ProjectTaskProperties } from '../../src/hasura/project-task-events';
import { handler as start } from '../../src/hasura/project-task-start.lambda';
import { handler as status } from '../../src/hasura/project-task-status.lambda';

const ecs = mockClient(ECSClient);
const cloudformation = mockClient(CloudFormationClient);
beforeEach(() => {
  ecs.reset();
  cloudformation.reset();
  cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Blog', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date() }] });
  jest.useRealTimers();
});

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Blog/1a2b3c4d';

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
  EngineVersion: 'hasura/graphql-engine:v2.51.3.cli-migrations-v3',
};

function event(requestType: ProjectTaskEvent['RequestType'], extra: Partial<ProjectTaskEvent> = {}): ProjectTaskEvent {
  return { RequestType: requestType, StackId: STACK_ID, LogicalResourceId: 'Apply', RequestId: 'req-1', ResourceProperties: PROPERTIES, ...extra };
}

describe('start (onEvent)', () => {
  test.each(['Create', 'Update'] as const)('%s runs one Fargate task in the private subnets and returns its ARN', async (requestType) => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
    const result = await start(event(requestType, requestType === 'Update' ? { PhysicalResourceId: 'Apply-req-0' } : {}));
    expect(result).toEqual({
      PhysicalResourceId: requestType === 'Update' ? 'Apply-req-0' : 'Apply-req-1',
      Data: { TaskArn: TASK_ARN, StartedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    });
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

  test('a task that cannot start fails at once with the reasons ECS gave', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn: PROPERTIES.TaskDefinition, reason: 'MISSING', detail: 'no such task definition' }] });
    await expect(start(event('Create'))).rejects.toThrow(
      `The task that applies the Hasura project did not start: ${PROPERTIES.TaskDefinition}: MISSING (no such task definition)`);
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1);
  });

  test('a transient failure (no capacity, no free network interface) is tried again, and the task starts', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    ecs.on(RunTaskCommand)
      .resolvesOnce({ tasks: [], failures: [{ reason: 'Capacity is unavailable at this time. Please try again later.' }] })
      .resolvesOnce({ tasks: [], failures: [{ reason: 'RESOURCE:ENI', detail: 'no free addresses' }] })
      .resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
    const started = start(event('Create'));
    await jest.advanceTimersByTimeAsync(10_000);
    expect((await started).Data?.TaskArn).toBe(TASK_ARN);
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(3);
  });

  test('transient failures that persist fail after five attempts, naming the last reason', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:ENI', detail: 'no free addresses' }] });
    const started = start(event('Create'));
    const settled = expect(started).rejects.toThrow(/did not start: .*RESOURCE:ENI \(no free addresses\)/);
    await jest.advanceTimersByTimeAsync(60_000);
    await settled;
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(5);
  });

  test('during an update rollback nothing is applied: the newer schema stays, which the older revision must tolerate', async () => {
    cloudformation.on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolves({ Stacks: [{ StackName: 'Blog', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }] });
    const result = await start(event('Update', { PhysicalResourceId: 'Apply-req-0' }));
    expect(result).toEqual({ PhysicalResourceId: 'Apply-req-0', Data: { Skipped: 'UPDATE_ROLLBACK_IN_PROGRESS' } });
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
    await expect(status({ ...event('Update'), Data: result.Data })).resolves.toEqual({ IsComplete: true });
  });

  test('an update to an older engine is refused before anything is applied; a newer one is applied', async () => {
    const older = { ...PROPERTIES, EngineVersion: 'hasura/graphql-engine:v2.40.0.cli-migrations-v3' };
    const newer = { ...PROPERTIES, EngineVersion: 'hasura/graphql-engine:v2.52.0.cli-migrations-v3' };
    await expect(start(event('Update', { PhysicalResourceId: 'Apply-req-0', ResourceProperties: older, OldResourceProperties: PROPERTIES })))
      .rejects.toThrow(/would go back from hasura\/graphql-engine:v2\.51\.3\.cli-migrations-v3 to hasura\/graphql-engine:v2\.40\.0/);
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
    await expect(start(event('Update', { PhysicalResourceId: 'Apply-req-0', ResourceProperties: newer, OldResourceProperties: PROPERTIES })))
      .resolves.toMatchObject({ Data: { TaskArn: TASK_ARN } });
  });

  test('Delete runs nothing and keeps the physical id', async () => {
    const result = await start(event('Delete', { PhysicalResourceId: 'Apply-req-0' }));
    expect(result).toEqual({ PhysicalResourceId: 'Apply-req-0' });
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
  });
});

describe('status (isComplete)', () => {
  const waiting = (requestType: ProjectTaskEvent['RequestType'] = 'Create', startedAt = new Date(Date.now() - 120_000)) =>
    event(requestType, { Data: { TaskArn: TASK_ARN, StartedAt: startedAt.toISOString() } });

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

  test('a task ECS cannot find fails with the reason, once the first minute after RunTask has passed', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] });
    await expect(status(waiting())).rejects.toThrow(`The task ${TASK_ARN} that applies the Hasura project cannot be found: MISSING`);
  });

  test('right after RunTask, a MISSING task is waited for (DescribeTasks is eventually consistent)', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] });
    await expect(status(waiting('Create', new Date(Date.now() - 5_000)))).resolves.toEqual({ IsComplete: false });
  });

  test('Delete is complete at once, without calling ECS', async () => {
    await expect(status(event('Delete', { PhysicalResourceId: 'Apply-req-0' }))).resolves.toEqual({ IsComplete: true });
    expect(ecs.calls()).toHaveLength(0);
  });
});
