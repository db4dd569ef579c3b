import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ElasticLoadBalancingV2Client, ModifyLoadBalancerAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { DeletionProtectionEvent, DeletionProtectionProperties } from './deletion-protection-events';
import { stackStatus } from '../private/stack-status';

const rds = new RDSClient({});
const elbv2 = new ElasticLoadBalancingV2Client({});
const cloudformation = new CloudFormationClient({});

/** How long to wait for a database that is busy (backing up, modifying) before it can be modified. */
const BUSY_WAIT_MS = 8 * 60_000;
const RETRY_MS = 15_000;

/**
 * Turns deletion protection of the database and the load balancer on once they exist, instead of
 * creating them protected. A resource created with protection on cannot be deleted when the stack's
 * creation rolls back, which ends in ROLLBACK_FAILED and blocks a retry. So:
 *
 * - Create, Update: each gets the protection asked for. When an update replaced one of them (a
 *   database restored from a snapshot, a load balancer made internal for a CDN), the old one loses its
 *   protection, so that CloudFormation can remove it (the database with its final snapshot).
 * - Delete, while the stack's creation rolls back: both lose their protection, so the rollback removes
 *   them and the deployment can be retried. Any other Delete (the stack is deleted) leaves them
 *   protected, as they were asked to be.
 */
export async function handler(event: DeletionProtectionEvent): Promise<{ PhysicalResourceId: string }> {
  const physicalResourceId = event.PhysicalResourceId ?? `${event.LogicalResourceId}-${event.RequestId}`;
  const wanted = event.ResourceProperties;
  if (event.RequestType === 'Delete') {
    const status = await stackStatus(cloudformation, event.StackId);
    if (status === 'ROLLBACK_IN_PROGRESS') {
      await protect({ ...wanted, ProtectDatabase: 'false', ProtectLoadBalancer: 'false' });
    }
    log('delete', { stackStatus: status });
    return { PhysicalResourceId: physicalResourceId };
  }
  const old = event.OldResourceProperties;
  if (old) {
    await protect({
      DatabaseInstanceIdentifier: old.DatabaseInstanceIdentifier,
      ProtectDatabase: old.DatabaseInstanceIdentifier !== wanted.DatabaseInstanceIdentifier ? 'false' : '',
      LoadBalancerArn: old.LoadBalancerArn,
      ProtectLoadBalancer: old.LoadBalancerArn !== wanted.LoadBalancerArn ? 'false' : '',
    });
  }
  await protect(wanted);
  return { PhysicalResourceId: physicalResourceId };
}

/**
 * Sets each resource's protection to `true` or `false`; an empty value leaves it as it is, and so does
 * an empty load balancer ARN (a stack with a database only).
 */
async function protect(properties: DeletionProtectionProperties): Promise<void> {
  if (properties.ProtectDatabase !== '') {
    await whenAvailable(() => rds.send(new ModifyDBInstanceCommand({
      DBInstanceIdentifier: properties.DatabaseInstanceIdentifier,
      DeletionProtection: properties.ProtectDatabase === 'true',
      ApplyImmediately: true,
    })));
    log('database', { id: properties.DatabaseInstanceIdentifier, protected: properties.ProtectDatabase });
  }
  if (properties.ProtectLoadBalancer !== '' && properties.LoadBalancerArn !== '') {
    await elbv2.send(new ModifyLoadBalancerAttributesCommand({
      LoadBalancerArn: properties.LoadBalancerArn,
      Attributes: [{ Key: 'deletion_protection.enabled', Value: properties.ProtectLoadBalancer }],
    }));
    log('load balancer', { arn: properties.LoadBalancerArn, protected: properties.ProtectLoadBalancer });
  }
}

/** Runs `modify`, trying again while the database is busy (it backs up right after it is created). */
async function whenAvailable(modify: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (;;) {
    try {
      await modify();
      return;
    } catch (error) {
      if ((error as Error).name !== 'InvalidDBInstanceStateFault' || Date.now() + RETRY_MS > deadline) {
        throw error;
      }
      log('database busy, trying again', { message: (error as Error).message });
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

function log(message: string, details: object): void {
  console.log(JSON.stringify({ message, ...details }));
}
