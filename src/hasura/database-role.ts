import { CfnElement, CustomResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { DATABASE_ROLE_REVISION, DatabaseRoleProperties, DatabaseRoleSettings, SETTINGS_VARIABLE } from './database-role-events';
import { DatabaseRoleFunction } from './database-role-function';
import { RESERVED_CONNECTIONS } from '../database/connection-budget';
import { PlatformDatabase } from '../database/database';
import { DATABASE_PASSWORD_EXCLUDED_CHARACTERS } from '../database/database-checks';
import { acknowledge, acknowledgeNoRotation, nistAndHipaa } from '../private/acknowledge';

/** Props of `HasuraDatabaseRole.forDatabase`. */
export interface HasuraDatabaseRoleProps {
  /** The database Hasura logs in to. */
  readonly database: PlatformDatabase;

  /** The VPC of the database, in which the handler that creates the role runs. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets for the handler; they must reach Secrets Manager (through NAT or an interface endpoint).
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Customer managed key that encrypts the role's secret.
   *
   * @default - the account's `aws/secretsmanager` key
   */
  readonly encryptionKey?: kms.IKey;
}

/** Construct id of the role under its database: one role per database. */
const ID = 'HasuraRole';

/**
 * Hasura's own PostgreSQL login role, so that Hasura never runs as the RDS master user: a bug or an
 * injected statement in Hasura cannot create roles or databases, read other databases, or lock the
 * operators out, and the master password is used only by the handler that keeps this role in step.
 *
 * The role (`hasura`) has a generated password in its own secret, LOGIN and nothing else: no
 * superuser, no CREATEROLE, no CREATEDB, no replication, no row-security bypass, and a connection
 * limit of the database's `max_connections` less the connections reserved for RDS and operators, so
 * Hasura can never take those. It owns what Hasura needs to own: `hdb_catalog` and the schemas and
 * objects of the database, so it can migrate them and add event triggers; it may connect, create
 * schemas and create in `public`; `pgcrypto` is installed for it.
 *
 * A custom resource creates the role on the first deploy and keeps it in step before any new revision
 * of a task that logs in as it starts (see `addClient`). On a platform deployed before the role
 * existed, it hands everything the master user owns in the database's schemas to the role, in one
 * transaction, and makes the master a member of the role, so tasks of the older deploy, which log in
 * as the master, keep working beside the new ones and after a rollback.
 */
export class HasuraDatabaseRole extends Construct implements ec2.IConnectable {
  /** The name of the login role. */
  public static readonly ROLE_NAME = 'hasura';

  /**
   * The Hasura role of `props.database`: the one an earlier call created, or a new one with `props`.
   * One role per database, so two parts of an app never set two different passwords on it.
   */
  public static forDatabase(props: HasuraDatabaseRoleProps): HasuraDatabaseRole {
    const existing = props.database.node.tryFindChild(ID);
    return existing instanceof HasuraDatabaseRole ? existing : new HasuraDatabaseRole(props.database, ID, props);
  }

  /** The name of the login role. */
  public readonly roleName: string = HasuraDatabaseRole.ROLE_NAME;
  /** The role's credentials: a JSON secret with `username` and `password`. Hasura's tasks read it. */
  public readonly secret: rds.DatabaseSecret;
  /** The role's `CONNECTION LIMIT`. */
  public readonly connectionLimit: number;
  /** The function that creates and alters the role; operators invoke it after rotating `secret`. */
  public readonly handler: lambda.IFunction;
  /** The handler's security group: no inbound rules, outbound to the database and HTTPS. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Network access of the handler. */
  public readonly connections: ec2.Connections;
  /** The custom resource; whatever logs in as the role must start after it (`addClient` does that). */
  public readonly resource: CustomResource;

  private readonly clients: string[] = [];

  private constructor(scope: Construct, id: string, props: HasuraDatabaseRoleProps) {
    super(scope, id);
    const database = props.database;
    this.connectionLimit = database.maxConnections - RESERVED_CONNECTIONS;

    this.secret = new rds.DatabaseSecret(this, 'Secret', {
      username: this.roleName,
      excludeCharacters: DATABASE_PASSWORD_EXCLUDED_CHARACTERS,
      encryptionKey: props.encryptionKey,
    });
    acknowledgeNoRotation(this.secret, 'Hasura builds its connection URL when a task starts, and a role has one password:'
      + ' a rotation is safe only with the handler run and Hasura redeployed right after it (see the README), so it is'
      + ' left to the operator.');

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Hasura database role handler: no inbound; out to the database port and to HTTPS (Secrets Manager)',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Secrets Manager over HTTPS');
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });
    database.allowConnectionsFrom(this);

    const settings: DatabaseRoleSettings = {
      Host: database.instance.dbInstanceEndpointAddress,
      Port: database.instance.dbInstanceEndpointPort,
      DatabaseName: database.databaseName,
      MasterSecretArn: database.secret.secretArn,
      RoleSecretArn: this.secret.secretArn,
      RoleName: this.roleName,
      ConnectionLimit: String(this.connectionLimit),
    };
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    const handler = new DatabaseRoleFunction(this, 'Handler', {
      description: 'Creates Hasura\'s database role and keeps it in step (ownership, grants, password)',
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      // Room to wait out locks that running queries hold, a few times (see reconcileHasuraRole).
      timeout: Duration.minutes(5),
      memorySize: 256,
      environment: { [SETTINGS_VARIABLE]: Stack.of(this).toJsonString(settings) },
    });
    database.secret.grantRead(handler);
    this.secret.grantRead(handler);
    this.handler = handler;

    const provider = new cr.Provider(this, 'Provider', { onEventHandler: handler });
    const properties: DatabaseRoleProperties = {
      ...settings,
      Revision: DATABASE_ROLE_REVISION,
      Clients: Lazy.list({ produce: () => this.clients }),
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::HasuraDatabaseRole',
      properties: { ...properties },
    });
    // Run once the database exists and admits the handler (the security group rules), and the private
    // subnets route through NAT, through which the handler reaches Secrets Manager.
    this.resource.node.addDependency(database.instance, database.securityGroup, this.securityGroup,
      subnets.internetConnectivityEstablished);
    acknowledgeHandler(handler, provider);
  }

  /**
   * Registers a task definition whose tasks log in as the role: every new revision of it runs the
   * handler again first, and `startsAfter` (the service that runs it, or the custom resource that
   * starts it) waits for the role.
   */
  public addClient(taskDefinition: ecs.TaskDefinition, startsAfter: IConstruct): void {
    this.clients.push(taskDefinition.taskDefinitionArn);
    startsAfter.node.addDependency(this.resource);
  }
}

/** What the handler and the provider framework do on purpose that the rule packs flag. */
function acknowledgeHandler(handler: lambda.Function, provider: cr.Provider): void {
  for (const construct of [handler, provider]) {
    acknowledge(construct, 'A deployment-time handler invoked synchronously by CloudFormation (or once by an operator):'
      + ' reserved concurrency (which fails in accounts with a low concurrency quota) and a dead-letter queue add nothing.',
    ...nistAndHipaa('LambdaConcurrency'), ...nistAndHipaa('LambdaDLQ'));
    acknowledge(construct, 'The AWS-managed AWSLambdaBasicExecutionRole and AWSLambdaVPCAccessExecutionRole grant writing'
      + ' the function\'s own logs and managing its network interfaces in the VPC, as Lambda documents; the inline'
      + ' policies name only the two secrets, their key and the handler function.',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    ...nistAndHipaa('IAMNoInlinePolicy'));
  }
  acknowledge(provider, 'The provider framework of aws-cdk-lib runs outside the VPC and only invokes the handler, which'
    + ' is in the VPC; it holds no data.', ...nistAndHipaa('LambdaInsideVPC'));
  acknowledge(provider, 'The provider framework of aws-cdk-lib invokes exactly its handler function, which needs its'
    + ' ARN with a version suffix ("<function ARN>:*").',
  `AwsSolutions-IAM5[Resource::<${Stack.of(handler).getLogicalId(handler.node.defaultChild as CfnElement)}.Arn>:*]`);
}
