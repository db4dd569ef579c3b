import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { cliMigrationsImage, DEFAULT_HASURA_VERSION, hasuraEngineImage } from './engine-image';
import { HASURA_STOP_TIMEOUT_SECONDS, validateHasuraOptions } from './hasura-checks';
import { HASURA_ENVIRONMENT, HASURA_PORT, HASURA_SECRETS, HasuraContext } from './hasura-environment';
import { HasuraOptions } from './hasura-options';
import { hasuraDatabaseDemand } from './pool-budget';
import { checkPoolSettings, loadHasuraProject } from './project-checks';
import { HasuraProjectDeployment } from './project-deployment';
import { HASURA_START_SCRIPT } from './start-script';
import { ConnectionBudget, planConnectionBudget } from '../database/connection-budget';
import { PlatformDatabase } from '../database/database';
import { generatedSecret, RANDOM_TOKEN } from '../private/generated-secret';
import { resolveManaged } from '../services/container-service';
import { PlatformService } from '../services/platform-service';
import { ContainerServiceProps } from '../services/service-options';

/** Props of `HasuraService`. */
export interface HasuraServiceProps extends HasuraOptions, ContainerServiceProps {
  /** The PostgreSQL database Hasura serves and keeps its metadata in. */
  readonly database: PlatformDatabase;

  /**
   * Origins browsers may call the API from (`HASURA_GRAPHQL_CORS_DOMAIN`), e.g. `https://example.com`.
   *
   * @default - CORS disabled: browsers can call the API only from its own origin
   */
  readonly corsDomains?: string[];

  /**
   * The database's connection budget, planned for every client of the database at once. A platform
   * passes the one it planned for all its services.
   *
   * @default - planned for this service (and its project task) alone
   */
  readonly connectionBudget?: ConnectionBudget;
}

/**
 * Hasura GraphQL Engine on Fargate. It connects to the database over TLS with credentials injected
 * from Secrets Manager, keeps its admin secret and JWT configuration in Secrets Manager, and runs with
 * the console, dev mode, telemetry and admin APIs off unless asked for.
 */
export class HasuraService extends PlatformService {
  /** The short name of the service: `hasura`. */
  public readonly serviceName: string = 'hasura';
  /** The admin secret. */
  public readonly adminSecret: secretsmanager.ISecret;
  /** The secret holding Hasura's JWT config. */
  public readonly jwtSecret: secretsmanager.ISecret;
  /** JSON field of `jwtSecret` with the shared signing key, if there is one. */
  public readonly jwtSigningKeyField?: string;
  /** CIDR blocks allowed to reach the console; empty when the console is off. */
  public readonly consoleAllowedCidrs: string[];
  /** How the database's connections are shared among its clients, and each task's pool size. */
  public readonly connectionBudget: ConnectionBudget;
  /**
   * Hasura's GraphQL endpoint inside the VPC through ECS Service Connect, e.g.
   * `http://hasura:8080/v1/graphql`, when the service joined a Service Connect namespace.
   */
  public readonly internalGraphqlUrl?: string;
  /** The Hasura version the tasks run, e.g. `v2.51.3` (of the engine image the platform builds). */
  public readonly engineVersion: string;
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
    const project = props.project ? loadHasuraProject(props.project, 'hasura.project') : undefined;
    this.engineVersion = props.engineVersion ?? DEFAULT_HASURA_VERSION;
    const baseImage = cliMigrationsImage(this.engineVersion);
    // One engine image serves and applies the project, so the two can never be different versions.
    const engine = props.image ? undefined
      : hasuraEngineImage(this, baseImage, props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64, project).image;
    this.connectionBudget = props.connectionBudget ?? planConnectionBudget([hasuraDatabaseDemand(props, 'hasura')],
      database.maxConnections, { prop: 'hasura.connectionPoolSize', value: props.connectionPoolSize }, 'database');
    const context: HasuraContext = {
      options: props,
      database,
      poolSize: this.connectionBudget.poolSize,
      corsDomains: props.corsDomains,
      adminSecret: this.adminSecret,
      jwtSecret: this.jwtSecret,
      verifyDatabaseServer: engine !== undefined,
    };
    const parts = this._createService({
      prefix: 'hasura',
      containerName: 'hasura',
      containerPort: HASURA_PORT,
      image: props.image ?? engine!,
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
      environment: resolveManaged(HASURA_ENVIRONMENT, context),
      secrets: resolveManaged(HASURA_SECRETS, context),
    });
    this.serviceConnectNamespace = parts.serviceConnectNamespace;
    if (parts.serviceConnectNamespace) {
      this.internalGraphqlUrl = `http://${SERVICE_CONNECT_NAME}:${HASURA_PORT}/v1/graphql`;
    }

    database.allowConnectionsFrom(this);

    if (props.project && project) {
      checkPoolSettings(project, this.connectionBudget.poolSize, 'hasura.project');
      this.projectDeployment = new HasuraProjectDeployment(this, 'Project', {
        project: props.project,
        image: engine,
        baseImage,
        environment: props.environment,
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
}

/** Name and DNS alias of Hasura in the Service Connect namespace. */
const SERVICE_CONNECT_NAME = 'hasura';
