import { ArnFormat, Aws, CfnElement, CustomResource, Duration, Stack, Tags } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { DeletionProtectionProperties, PLATFORM_TAG } from './deletion-protection-events';
import { DeletionProtectionFunction } from './deletion-protection-function';
import { acknowledge, asFindingText, nistAndHipaa } from '../private/acknowledge';

/** Props of `DeletionProtectionAfterCreation`. */
export interface DeletionProtectionAfterCreationProps {
  /** The platform's name; it tags the two resources, and the handler may change only resources with that tag. */
  readonly platformName: string;
  readonly database: rds.DatabaseInstanceBase;
  readonly protectDatabase: boolean;
  /**
   * The load balancer, if the stack has one (a recovery region's stack holds only a database replica).
   *
   * @default - only the database
   */
  readonly loadBalancer?: elbv2.ApplicationLoadBalancer;
  /**
   * Whether to protect the load balancer.
   *
   * @default false
   */
  readonly protectLoadBalancer?: boolean;
}

/**
 * Deletion protection of the database and the load balancer, turned on once they exist rather than in
 * their template. CloudFormation cannot delete a protected resource, so one created protected makes a
 * failed first deploy end in ROLLBACK_FAILED, and the stack cannot be retried until someone removes
 * the protection by hand. Here the resources are created unprotected; a custom resource created after
 * both protects them, and removes the protection again only while the stack's creation rolls back (or
 * from an instance that an update replaced). See `deletion-protection.lambda.ts`.
 */
export class DeletionProtectionAfterCreation extends Construct {
  /** The custom resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: DeletionProtectionAfterCreationProps) {
    super(scope, id);
    // The template leaves the flags out: the custom resource owns them. (A property removed from a
    // deployed template leaves the resource as it was; CloudFormation sends no change for it.)
    (props.database.node.defaultChild as rds.CfnDBInstance).addPropertyDeletionOverride('DeletionProtection');
    props.loadBalancer?.removeAttribute('deletion_protection.enabled');
    Tags.of(props.database).add(PLATFORM_TAG, props.platformName);
    if (props.loadBalancer) {
      Tags.of(props.loadBalancer).add(PLATFORM_TAG, props.platformName);
    }

    const handler = new DeletionProtectionFunction(this, 'Handler', {
      description: 'Turns deletion protection of the platform\'s database and load balancer on once they exist',
      // Room to wait for a database that is still taking its first backup.
      timeout: Duration.minutes(10),
    });
    this.grant(handler, props.platformName, props.loadBalancer !== undefined);
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: handler });
    const properties: DeletionProtectionProperties = {
      DatabaseInstanceIdentifier: props.database.instanceIdentifier,
      ProtectDatabase: String(props.protectDatabase),
      // Empty values leave the load balancer alone (the handler skips it).
      LoadBalancerArn: props.loadBalancer?.loadBalancerArn ?? '',
      ProtectLoadBalancer: props.loadBalancer ? String(props.protectLoadBalancer ?? false) : '',
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DeletionProtection',
      properties: { ...properties },
    });
    acknowledgeGuard(handler, provider, props);
  }

  /** Only the platform's tagged database and load balancer, and this stack's status. */
  private grant(handler: DeletionProtectionFunction, platformName: string, loadBalancer: boolean): void {
    const stack = Stack.of(this);
    handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['rds:ModifyDBInstance'],
      resources: [stack.formatArn({ service: 'rds', resource: 'db', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      conditions: { StringEquals: { [`rds:db-tag/${PLATFORM_TAG}`]: platformName } },
    }));
    if (loadBalancer) {
      handler.addToRolePolicy(new iam.PolicyStatement({
        actions: ['elasticloadbalancing:ModifyLoadBalancerAttributes'],
        resources: [stack.formatArn({ service: 'elasticloadbalancing', resource: 'loadbalancer', resourceName: 'app/*' })],
        conditions: { StringEquals: { [`aws:ResourceTag/${PLATFORM_TAG}`]: platformName } },
      }));
    }
    handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks'],
      resources: [Aws.STACK_ID],
    }));
  }
}

/** What the guard and the two resources do on purpose that the rule packs flag. */
function acknowledgeGuard(handler: IConstruct, provider: cr.Provider, props: DeletionProtectionAfterCreationProps): void {
  const why = ' protection is turned on right after creation by the platform\'s DeletionProtection custom resource, so that a'
    + ' failed first deploy can roll back cleanly instead of ending in ROLLBACK_FAILED.';
  if (props.protectDatabase) {
    acknowledge(props.database, 'The template leaves DeletionProtection out: the' + why,
      'AwsSolutions-RDS10', ...nistAndHipaa('RDSInstanceDeletionProtectionEnabled'));
  }
  if (props.loadBalancer && props.protectLoadBalancer) {
    acknowledge(props.loadBalancer, 'The template leaves deletion_protection.enabled out: the' + why,
      ...nistAndHipaa('ELBDeletionProtectionEnabled'));
  }
  for (const construct of [handler, provider]) {
    acknowledge(construct, 'Deployment-time handlers run only while CloudFormation deploys this resource and call only'
      + ' the AWS APIs named in their policies; they hold no data and reach nothing inside the VPC, so a VPC'
      + ' placement, reserved concurrency (which fails in accounts with a low concurrency quota) and a'
      + ' dead-letter queue (they are invoked synchronously) add nothing.',
    ...nistAndHipaa('LambdaInsideVPC'), ...nistAndHipaa('LambdaConcurrency'), ...nistAndHipaa('LambdaDLQ'));
    acknowledge(construct, 'The AWS-managed AWSLambdaBasicExecutionRole grants these deployment-time handlers only'
      + ' writing their own CloudWatch Logs; the inline policies name only the platform\'s tagged database and'
      + ' load balancer and this stack.',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    ...nistAndHipaa('IAMNoInlinePolicy'));
  }
  const policy = handler.node.findChild('ServiceRole').node.findChild('DefaultPolicy');
  acknowledge(policy, 'RDS and Elastic Load Balancing name the instances and load balancers an update may replace only'
    + ' at run time; the grant is limited to those tagged with this platform\'s name.',
  ...grantedResources(policy, props.loadBalancer !== undefined).map((resource) => `AwsSolutions-IAM5[Resource::${resource}]`));
  acknowledge(provider, 'The provider framework of aws-cdk-lib invokes exactly its handler function, which needs its'
    + ' ARN with a version suffix ("<function ARN>:*").', `AwsSolutions-IAM5[Resource::<${logicalIdOf(handler)}.Arn>:*]`);
}

/** The wildcard resources `policy` grants, as the rule packs print them. */
function grantedResources(policy: IConstruct, loadBalancer: boolean): string[] {
  const stack = Stack.of(policy);
  return [
    asFindingText(policy, stack.formatArn({ service: 'rds', resource: 'db', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
    ...(loadBalancer ? [asFindingText(policy, stack.formatArn({ service: 'elasticloadbalancing', resource: 'loadbalancer', resourceName: 'app/*' }))] : []),
  ];
}

/** The logical id of a function's CloudFormation resource, as rule packs print it. */
function logicalIdOf(fn: IConstruct): string {
  return Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement);
}
