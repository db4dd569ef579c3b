import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import {
  DEFAULT_HASURA_IMAGE, HASURA_GRACEFUL_SHUTDOWN_SECONDS, HASURA_PORT, HASURA_STOP_TIMEOUT_SECONDS, validateHasuraOptions,
} from './hasura-checks';
import { ConnectionBudget, HasuraApi, HasuraOptions } from './hasura-options';
import { planConnectionBudget } from './pool-budget';
import { checkPoolSettings, loadHasuraProject } from './project-checks';
import { HasuraProjectDeployment } from './project-deployment';
import { HASURA_START_SCRIPT, startScriptEnvironment, startScriptSecrets } from './start-script';
import { PlatformDatabase } from '../database/database';
import { generatedSecret, RANDOM_TOKEN } from '../private/generated-secret';
import { createContainerService } from '../services/container-service';
import { ContainerServiceProps, ServiceAutoScalingOptions } from '../services/service-options';

/** Props of {@link HasuraService}. */
export interface HasuraServiceProps extends HasuraOptions, ContainerServiceProps {
  /** The PostgreSQL database Hasura serves and keeps its metadata in. */
  readonly database: PlatformDatabase;

  /**
   * Origins browsers may call the API from (`HASURA_GRAPHQL_CORS_DOMAIN`), e.g. `https://example.com`.
   *
   * @default - CORS disabled: browsers can call the API only from its own origin
   */
  readonly corsDomains?: string[];
}

/**
 * Hasura GraphQL Engine on Fargate. It connects to the database over TLS with credentials injected
 * from Secrets Manager, keeps its admin secret and JWT configuration in Secrets Manager, and runs with
 * the console, dev mode, telemetry and admin APIs off unless asked for.
 */
export class HasuraService extends Construct implements ec2.IConnectable {
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The Hasura container. */
  public readonly container: ecs.ContainerDefinition;
  /** The container log group. */
  public readonly logGroup: logs.LogGroup;
  /** The tasks' security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Network access to the tasks. */
  public readonly connections: ec2.Connections;
  /** The admin secret. */
  public readonly adminSecret: secretsmanager.ISecret;
  /** The secret holding Hasura's JWT config. */
  public readonly jwtSecret: secretsmanager.ISecret;
  /** JSON field of `jwtSecret` with the shared signing key, if there is one. */
  public readonly jwtSigningKeyField?: string;
  /** CIDR blocks allowed to reach the console; empty when the console is off. */
  public readonly consoleAllowedCidrs: string[];
  /** The port the container listens on. */
  public readonly port: number = HASURA_PORT;
  /** How the database's connections are shared among the Hasura tasks, and each task's pool size. */
  public readonly connectionBudget: ConnectionBudget;
  /** Task-count autoscaling, when `autoScaling` is set. */
  public readonly scalableTaskCount?: ecs.ScalableTaskCount;
  /** The autoscaling settings, when set. */
  public readonly autoScaling?: ServiceAutoScalingOptions;
  /**
   * Hasura's GraphQL endpoint inside the VPC through ECS Service Connect, e.g.
   * `http://hasura:8080/v1/graphql`, when the service joined a Service Connect namespace.
   */
  public readonly internalGraphqlUrl?: string;
  /** What applies `project` on each deploy, when a project is set. */
  public readonly projectDeployment?: HasuraProjectDeployment;
  /** The Service Connect namespace the service serves its API in, if any. */
  public readonly serviceConnectNamespace?: servicediscovery.INamespace;

  constructor(scope: Construct, id: string, props: HasuraServiceProps) {
    super(scope, id);
    validateHasuraOptions(props, 'hasura');

    this.adminSecret = props.adminSecret ?? generatedSecret(this, 'AdminSecret',
      'Hasura admin secret (HASURA_GRAPHQL_ADMIN_SECRET)', RANDOM_TOKEN, props.encryptionKey);
    if (props.jwt) {
      this.jwtSecret = props.jwt.secret;
      this.jwtSigningKeyField = props.jwt.signingKeyField;
    } else {
      this.jwtSecret = generatedSecret(this, 'JwtSecret',
        'Hasura JWT config (HASURA_GRAPHQL_JWT_SECRET); its "key" signs and verifies tokens', {
          secretStringTemplate: JSON.stringify({ type: 'HS256' }),
          generateStringKey: 'key',
          passwordLength: 64,
          excludePunctuation: true,
        }, props.encryptionKey);
      this.jwtSigningKeyField = 'key';
    }
    this.consoleAllowedCidrs = props.console?.allowedCidrs ?? [];

    const database = props.database;
    this.connectionBudget = planConnectionBudget(props, database.maxConnections, 'hasura', 'database');
    const parts = createContainerService(this, {
      prefix: 'hasura',
      containerName: 'hasura',
      containerPort: HASURA_PORT,
      image: props.image ?? ecs.ContainerImage.fromRegistry(DEFAULT_HASURA_IMAGE),
      options: props,
      props,
      entryPoint: ['/bin/sh', '-c', HASURA_START_SCRIPT],
      command: ['graphql-engine', 'serve'],
      defaultStopTimeout: Duration.seconds(HASURA_STOP_TIMEOUT_SECONDS),
      // The image has curl. /healthz fails while the database is unreachable, so a task that cannot
      // reach PostgreSQL is replaced even before the load balancer notices.
      healthCheck: {
        command: ['CMD-SHELL', `curl -fsS http://localhost:${HASURA_PORT}/healthz || exit 1`],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      serviceConnectName: SERVICE_CONNECT_NAME,
      enableExecuteCommand: props.enableExecuteCommand,
      environment: {
        ...startScriptEnvironment(database),
        HASURA_GRAPHQL_SERVER_PORT: String(HASURA_PORT),
        HASURA_GRAPHQL_ENABLE_CONSOLE: String(props.console !== undefined),
        HASURA_GRAPHQL_DEV_MODE: String(props.devMode ?? false),
        HASURA_GRAPHQL_ENABLED_APIS: enabledApis(props).join(','),
        HASURA_GRAPHQL_ENABLE_TELEMETRY: 'false',
        HASURA_GRAPHQL_PG_CONNECTIONS: String(this.connectionBudget.poolSize),
        HASURA_GRAPHQL_GRACEFUL_SHUTDOWN_TIMEOUT: String(HASURA_GRACEFUL_SHUTDOWN_SECONDS),
        ...corsEnvironment(props.corsDomains),
        ...(props.unauthorizedRole ? { HASURA_GRAPHQL_UNAUTHORIZED_ROLE: props.unauthorizedRole } : {}),
      },
      secrets: {
        ...startScriptSecrets(database),
        HASURA_GRAPHQL_ADMIN_SECRET: ecs.Secret.fromSecretsManager(this.adminSecret),
        HASURA_GRAPHQL_JWT_SECRET: ecs.Secret.fromSecretsManager(this.jwtSecret),
      },
    });
    this.service = parts.service;
    this.taskDefinition = parts.taskDefinition;
    this.container = parts.container;
    this.logGroup = parts.logGroup;
    this.securityGroup = parts.securityGroup;
    this.connections = parts.service.connections;
    this.scalableTaskCount = parts.scalableTaskCount;
    this.autoScaling = props.autoScaling;
    this.serviceConnectNamespace = parts.serviceConnectNamespace;
    if (parts.serviceConnectNamespace) {
      this.internalGraphqlUrl = `http://${SERVICE_CONNECT_NAME}:${HASURA_PORT}/v1/graphql`;
    }

    database.allowConnectionsFrom(this);

    if (props.project) {
      checkPoolSettings(loadHasuraProject(props.project, 'hasura.project'), this.connectionBudget.poolSize, 'hasura.project');
      this.projectDeployment = new HasuraProjectDeployment(this, 'Project', {
        project: props.project,
        cluster: props.cluster,
        database,
        adminSecret: this.adminSecret,
        cpuArchitecture: props.cpuArchitecture,
        encryptionKey: props.encryptionKey,
        vpcSubnets: props.vpcSubnets,
        secrets: props.secrets,
        logRetention: props.logRetention,
        connectionPoolSize: this.connectionBudget.poolSize,
      });
      // The new revision rolls out only after its project applied cleanly.
      this.service.node.addDependency(this.projectDeployment.resource);
    }
  }

  /** Lets `peer` call Hasura's port directly, e.g. Next.js tasks through Service Connect. */
  public allowConnectionsFrom(peer: ec2.IConnectable, description: string = 'Hasura API from an allowed service'): void {
    this.connections.allowFrom(peer, ec2.Port.tcp(HASURA_PORT), description);
  }
}

/** Name and DNS alias of Hasura in the Service Connect namespace. */
const SERVICE_CONNECT_NAME = 'hasura';

function enabledApis(options: HasuraOptions): HasuraApi[] {
  if (options.enabledApis) {
    return options.enabledApis;
  }
  return options.console ? [HasuraApi.GRAPHQL, HasuraApi.METADATA, HasuraApi.CONFIG] : [HasuraApi.GRAPHQL];
}

function corsEnvironment(corsDomains: string[] | undefined): { [name: string]: string } {
  if (corsDomains === undefined) {
    return { HASURA_GRAPHQL_DISABLE_CORS: 'true' };
  }
  return { HASURA_GRAPHQL_CORS_DOMAIN: corsDomains.join(',') };
}
