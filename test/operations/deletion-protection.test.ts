// Deletion protection turned on after creation: the handler against mocked AWS APIs, and the construct.
import { CloudFormationClient, DescribeStacksCommand, StackStatus } from '@aws-sdk/client-cloudformation';
import { ElasticLoadBalancingV2Client, ModifyLoadBalancerAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { DeletionProtectionEvent, DeletionProtectionProperties } from '../../src/operations/deletion-protection-events';
import { handler } from '../../src/operations/deletion-protection.lambda';
import { onlyResource, synthPlatform } from '../util';

const rds = mockClient(RDSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const cloudformation = mockClient(CloudFormationClient);

function stackIs(status: StackStatus): void {
  cloudformation.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves({ Stacks: [{ StackName: 'Blog', StackStatus: status, CreationTime: new Date() }] });
}

beforeEach(() => {
  rds.reset();
  elbv2.reset();
  cloudformation.reset();
  rds.on(ModifyDBInstanceCommand).resolves({});
  elbv2.on(ModifyLoadBalancerAttributesCommand).resolves({});
  jest.useRealTimers();
});

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Blog/1a2b3c4d';
const PROPERTIES: DeletionProtectionProperties = {
  DatabaseInstanceIdentifier: 'blog-db-abc',
  ProtectDatabase: 'true',
  LoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/blog/1',
  ProtectLoadBalancer: 'true',
};

function event(requestType: DeletionProtectionEvent['RequestType'], extra: Partial<DeletionProtectionEvent> = {}): DeletionProtectionEvent {
  return { RequestType: requestType, StackId: STACK_ID, LogicalResourceId: 'Guard', RequestId: 'r1', ResourceProperties: PROPERTIES, ...extra };
}

const databaseCalls = () => rds.commandCalls(ModifyDBInstanceCommand).map((c) => c.args[0].input);
const loadBalancerCalls = () => elbv2.commandCalls(ModifyLoadBalancerAttributesCommand).map((c) => c.args[0].input);

describe('the handler', () => {
  test('Create protects the database (immediately) and the load balancer', async () => {
    await expect(handler(event('Create'))).resolves.toEqual({ PhysicalResourceId: 'Guard-r1' });
    expect(databaseCalls()).toEqual([{ DBInstanceIdentifier: 'blog-db-abc', DeletionProtection: true, ApplyImmediately: true }]);
    expect(loadBalancerCalls()).toEqual([{ LoadBalancerArn: PROPERTIES.LoadBalancerArn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }] }]);
  });

  test('protection turned off by name is turned off', async () => {
    await handler(event('Update', { PhysicalResourceId: 'Guard-r0', ResourceProperties: { ...PROPERTIES, ProtectDatabase: 'false' }, OldResourceProperties: PROPERTIES }));
    expect(databaseCalls()).toEqual([{ DBInstanceIdentifier: 'blog-db-abc', DeletionProtection: false, ApplyImmediately: true }]);
  });

  test('an update that replaced the database (a snapshot restore) unprotects the old one, so CloudFormation can remove it', async () => {
    const restored = { ...PROPERTIES, DatabaseInstanceIdentifier: 'blog-db-restored' };
    await handler(event('Update', { PhysicalResourceId: 'Guard-r0', ResourceProperties: restored, OldResourceProperties: PROPERTIES }));
    expect(databaseCalls()).toEqual([
      { DBInstanceIdentifier: 'blog-db-abc', DeletionProtection: false, ApplyImmediately: true },
      { DBInstanceIdentifier: 'blog-db-restored', DeletionProtection: true, ApplyImmediately: true },
    ]);
    // The load balancer was not replaced: it is only protected again.
    expect(loadBalancerCalls()).toHaveLength(1);
  });

  test('Delete while the stack\'s creation rolls back unprotects both, so the rollback ends clean and can be retried', async () => {
    stackIs('ROLLBACK_IN_PROGRESS');
    await handler(event('Delete', { PhysicalResourceId: 'Guard-r1' }));
    expect(databaseCalls()).toEqual([{ DBInstanceIdentifier: 'blog-db-abc', DeletionProtection: false, ApplyImmediately: true }]);
    expect(loadBalancerCalls()).toEqual([{ LoadBalancerArn: PROPERTIES.LoadBalancerArn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }] }]);
  });

  test.each(['DELETE_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'] as const)(
    'Delete while the stack is %s leaves both protected', async (status) => {
      stackIs(status);
      await handler(event('Delete', { PhysicalResourceId: 'Guard-r1' }));
      expect(databaseCalls()).toEqual([]);
      expect(loadBalancerCalls()).toEqual([]);
    });

  test('a stack with a database only (a recovery region\'s replica): the rollback unprotects the database and calls nothing else', async () => {
    stackIs('ROLLBACK_IN_PROGRESS');
    const databaseOnly = { ...PROPERTIES, LoadBalancerArn: '', ProtectLoadBalancer: '' };
    await handler(event('Create', { ResourceProperties: databaseOnly }));
    await handler(event('Delete', { PhysicalResourceId: 'Guard-r1', ResourceProperties: databaseOnly }));
    expect(databaseCalls().map((call) => call.DeletionProtection)).toEqual([true, false]);
    expect(loadBalancerCalls()).toEqual([]);
  });

  test('a database still busy (taking its first backup) is waited for', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const busy = Object.assign(new Error('Database instance is not in available state.'), { name: 'InvalidDBInstanceStateFault' });
    rds.on(ModifyDBInstanceCommand).rejectsOnce(busy).resolves({});
    const done = handler(event('Create'));
    await jest.advanceTimersByTimeAsync(20_000);
    await done;
    expect(databaseCalls()).toHaveLength(2);
  });

  test('other errors fail the resource at once', async () => {
    rds.on(ModifyDBInstanceCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    await expect(handler(event('Create'))).rejects.toThrow('not authorized');
    expect(databaseCalls()).toHaveLength(1);
  });
});

describe('in a platform', () => {
  const { stack, platform, template } = synthPlatform({ platformName: 'blog' });
  const resources = template.toJSON().Resources;
  const guard = onlyResource(template, 'Custom::DeletionProtection');

  test('the database and the load balancer are created without protection, which the custom resource then turns on', () => {
    expect(onlyResource(template, 'AWS::RDS::DBInstance').Properties.DeletionProtection).toBeUndefined();
    const attributes = onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties.LoadBalancerAttributes;
    expect(attributes.map((a: any) => a.Key)).not.toContain('deletion_protection.enabled');
    expect(guard.Properties).toMatchObject({
      DatabaseInstanceIdentifier: stack.resolve(platform.database.instance.instanceIdentifier),
      ProtectDatabase: 'true',
      LoadBalancerArn: stack.resolve(platform.loadBalancer.loadBalancerArn),
      ProtectLoadBalancer: 'true',
    });
  });

  test('the handler may change only the resources tagged with the platform\'s name, and read only its own stack', () => {
    for (const type of ['AWS::RDS::DBInstance', 'AWS::ElasticLoadBalancingV2::LoadBalancer']) {
      expect(onlyResource(template, type).Properties.Tags).toContainEqual({ Key: 'HasuraNextjsPlatform', Value: 'blog' });
    }
    const statements = Object.values<any>(resources).filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => JSON.stringify(s.Action).match(/ModifyDBInstance|ModifyLoadBalancerAttributes|DescribeStacks/));
    expect(statements.find((s) => s.Action === 'rds:ModifyDBInstance').Condition)
      .toEqual({ StringEquals: { 'rds:db-tag/HasuraNextjsPlatform': 'blog' } });
    expect(statements.find((s) => s.Action === 'elasticloadbalancing:ModifyLoadBalancerAttributes').Condition)
      .toEqual({ StringEquals: { 'aws:ResourceTag/HasuraNextjsPlatform': 'blog' } });
    expect(statements.filter((s) => s.Action === 'cloudformation:DescribeStacks').map((s) => s.Resource)).toContainEqual({ Ref: 'AWS::StackId' });
  });

  test('deletion protection turned off by name reaches the handler', () => {
    const { template: unprotected } = synthPlatform({ database: { deletionProtection: false }, loadBalancer: { deletionProtection: false } });
    expect(onlyResource(unprotected, 'Custom::DeletionProtection').Properties)
      .toMatchObject({ ProtectDatabase: 'false', ProtectLoadBalancer: 'false' });
  });
});
