// A failed first deploy ends clean and can be retried: the lifecycle of a CREATE rollback, walked over
// every resource of every example as CloudFormation treats it. CloudFormation deletes what it created,
// except resources whose DeletionPolicy is Retain; it cannot delete a resource that is deletion
// protected or a bucket that already holds objects (the stack then ends in ROLLBACK_FAILED); and a
// retained resource with a fixed name makes the retry fail with "already exists".
import { exampleNames } from '../../examples/synth-all';
import { DatabaseRoleProperties } from '../../src/hasura/database-role-events';
import { handler as databaseRoleHandler } from '../../src/hasura/database-role.lambda';
import { exampleTemplate, synthesizedExample } from '../examples/helpers';
import { synthPlatform } from '../util';

type Resources = { [logicalId: string]: any };

/** What a CREATE rollback does to a resource, by its DeletionPolicy (AWS CloudFormation User Guide, "DeletionPolicy attribute"). */
function onCreateRollback(resource: any): 'deleted' | 'retained' {
  return resource.DeletionPolicy === 'Retain' ? 'retained' : 'deleted'; // Delete, Snapshot, RetainExceptOnCreate
}

/** Why AWS would refuse to delete the resource as the template creates it, if it would. */
function refusesDeletion(resource: any, resources: Resources): string | undefined {
  const p = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::RDS::DBInstance':
    case 'AWS::RDS::DBCluster':
      return p.DeletionProtection === true || p.DeletionProtection === 'true' ? 'deletion protection' : undefined;
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      return (p.LoadBalancerAttributes ?? []).some((a: any) => a.Key === 'deletion_protection.enabled' && a.Value === 'true')
        ? 'deletion protection' : undefined;
    case 'AWS::EC2::Instance':
      return p.DisableApiTermination === true ? 'termination protection' : undefined;
    case 'AWS::DynamoDB::Table':
      return p.DeletionProtectionEnabled === true ? 'deletion protection' : undefined;
    case 'AWS::S3::Bucket':
      return receivesObjectsWhileCreated(resource, resources) ? 'objects written into it while the stack is created' : undefined;
    default:
      return undefined;
  }
}

/**
 * A bucket that load balancer or CloudFront logs, or a deployment, write to during the creation: the
 * load balancer writes a test object into its access log bucket at once, and BucketDeployment uploads.
 */
function receivesObjectsWhileCreated(bucket: any, resources: Resources): boolean {
  const id = Object.entries(resources).find(([, r]) => r === bucket)![0];
  const mentions = (value: unknown) => JSON.stringify(value ?? null).includes(`"${id}"`);
  return Object.values<any>(resources).some((r) =>
    (r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && mentions(r.Properties.LoadBalancerAttributes))
    || (r.Type === 'AWS::CloudFront::Distribution' && mentions(r.Properties.DistributionConfig?.Logging))
    || (r.Type === 'Custom::CDKBucketDeployment' && mentions(r.Properties.DestinationBucketName))
    || (r.Type === 'AWS::S3::Bucket' && mentions(r.Properties.LoggingConfiguration)));
}

/** The fixed physical name a resource is created with, if any. */
function fixedName(resource: any): string | undefined {
  const p = resource.Properties ?? {};
  const name = p.BucketName ?? p.LogGroupName ?? p.DBInstanceIdentifier ?? p.BackupVaultName ?? p.Name ?? p.TopicName
    ?? p.AlarmName ?? p.DashboardName ?? p.BackupPlan?.BackupPlanName ?? p.Budget?.BudgetName;
  return typeof name === 'string' && !/^[A-Za-z0-9]+[A-F0-9]{8}$/.test(name) ? name : undefined;
}

/** What goes wrong when the creation of `template`'s stack rolls back, one line each. */
function createRollbackFailures(resources: Resources): string[] {
  const failures: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (onCreateRollback(resource) === 'deleted') {
      const refusal = refusesDeletion(resource, resources);
      if (refusal) {
        failures.push(`${id} (${resource.Type}) cannot be deleted: ${refusal} (ROLLBACK_FAILED)`);
      }
    } else {
      const name = fixedName(resource);
      if (name) {
        failures.push(`${id} (${resource.Type}) is retained with the fixed name ${name}: the retry fails with "already exists"`);
      }
    }
  }
  return failures;
}

test.each(exampleNames())('%s: a failed first deploy rolls back clean and can be retried', (name) => {
  expect(createRollbackFailures(exampleTemplate(name).Resources)).toEqual([]);
  for (const [label, template] of Object.entries(synthesizedExample(name).platformTemplates)) {
    expect([label, createRollbackFailures(template.Resources)]).toEqual([label, []]);
  }
});

test('the protection that is turned on after creation is removed again before the protected resources are deleted', () => {
  // CloudFormation deletes a resource before the resources it refers to, so the custom resource that
  // refers to the database and the load balancer is deleted first: its handler then turns protection
  // off (see deletion-protection.test.ts), and only then are the two deleted.
  const { template } = synthPlatform();
  const resources = template.toJSON().Resources;
  const [guard] = Object.values<any>(resources).filter((r) => r.Type === 'Custom::DeletionProtection');
  const database = Object.entries<any>(resources).find(([, r]) => r.Type === 'AWS::RDS::DBInstance')![0];
  const loadBalancer = Object.entries<any>(resources).find(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')![0];
  expect(guard.Properties.DatabaseInstanceIdentifier).toEqual({ Ref: database });
  expect(guard.Properties.LoadBalancerArn).toEqual({ Ref: loadBalancer });
});

test('the database role\'s custom resource is deleted without reaching the database or its secrets, which the rollback may have removed', async () => {
  // No AWS credentials, no database at that address: any call would fail the Delete, and with it the rollback.
  const gone = { Host: 'database-already-deleted.invalid', Port: '5432', MasterSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gone' };
  const resources = synthesizedExample('hasura-blog-prod').template.Resources;
  const [roleId, role] = Object.entries<any>(resources).find(([, r]) => r.Type === 'Custom::HasuraDatabaseRole')!;
  const event = { RequestType: 'Delete' as const, PhysicalResourceId: 'hasura', ResourceProperties: { ...role.Properties, ...gone } as DatabaseRoleProperties };
  await expect(databaseRoleHandler(event)).resolves.toEqual({ PhysicalResourceId: 'hasura' });
  // The role's secret and handler are removed by the rollback like everything else it created.
  expect(createRollbackFailures(Object.fromEntries(Object.entries<any>(resources).filter(([id]) => id.startsWith(roleId.replace(/[0-9A-F]{8}$/, ''))))))
    .toEqual([]);
});

describe('the walk finds what would fail', () => {
  test('a database created with deletion protection', () => {
    expect(createRollbackFailures({ Db: { Type: 'AWS::RDS::DBInstance', DeletionPolicy: 'Snapshot', Properties: { DeletionProtection: true } } }))
      .toEqual(['Db (AWS::RDS::DBInstance) cannot be deleted: deletion protection (ROLLBACK_FAILED)']);
  });

  test('a load balancer created with deletion protection', () => {
    const loadBalancer = { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { LoadBalancerAttributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }] } };
    expect(createRollbackFailures({ Lb: loadBalancer })).toHaveLength(1);
  });

  test('a retained log group with a fixed name', () => {
    expect(createRollbackFailures({ Logs: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain', Properties: { LogGroupName: '/ecs/shop/hasura' } } }))
      .toEqual(['Logs (AWS::Logs::LogGroup) is retained with the fixed name /ecs/shop/hasura: the retry fails with "already exists"']);
  });

  test('an access log bucket deleted on rollback, which already holds the load balancer\'s test object', () => {
    const resources = {
      Logs: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Delete', Properties: {} },
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { LoadBalancerAttributes: [{ Key: 'access_logs.s3.bucket', Value: { Ref: 'Logs' } }] } },
    };
    expect(createRollbackFailures(resources)).toEqual(['Logs (AWS::S3::Bucket) cannot be deleted: objects written into it while the stack is created (ROLLBACK_FAILED)']);
  });
});
