/**
 * What the custom resource that keeps the database and the load balancer deletion-protected passes to
 * its handler. Shared by the construct and the handler, so the names cannot drift apart.
 */

/** Resource properties, all strings (CloudFormation passes every property as a string). */
export interface DeletionProtectionProperties {
  /** The database instance's identifier. */
  readonly DatabaseInstanceIdentifier: string;
  /** `true` to protect the database, `false` to let it be deleted. */
  readonly ProtectDatabase: string;
  /** The load balancer's ARN; empty when the stack has none. */
  readonly LoadBalancerArn: string;
  /** `true` to protect the load balancer, `false` to let it be deleted, empty to leave it as it is. */
  readonly ProtectLoadBalancer: string;
}

/** The fields of a provider-framework event the handler reads. */
export interface DeletionProtectionEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly RequestId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: DeletionProtectionProperties;
  readonly OldResourceProperties?: DeletionProtectionProperties;
}

/** The tag that marks the platform's database and load balancer; the handler may change only those. */
export const PLATFORM_TAG = 'HasuraNextjsPlatform';
