import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { HasuraDatabaseRole } from './database-role';
import { cliMigrationsImage, DEFAULT_HASURA_VERSION, hasuraEngineImage } from './engine-image';
import { HasuraEventWorker } from './event-worker';
import { HASURA_STOP_TIMEOUT_SECONDS, validateHasuraOptions } from './hasura-checks';
import { CALLBACK_VARIABLES, HASURA_ENVIRONMENT, HASURA_PORT, HASURA_SECRETS, HasuraContext, HasuraTaskRole } from './hasura-environment';
import { HasuraOptions } from './hasura-options';
import { checkMetadataAgainstPlatform } from './metadata-checks';
import { DEFAULT_EVENT_WORKER_TASKS, hasuraDatabaseDemands } from './pool-budget';
import { checkPoolSettings, loadHasuraProject, LoadedHasuraProject } from './project-checks';
import { HasuraProjectDeployment } from './project-deployment';
import { HASURA_START_SCRIPT } from './start-script';
import { ConnectionBudget, planConnectionBudget } from '../database/connection-budget';
import { PlatformDatabase } from '../database/database';
import { generatedSecret, RANDOM_TOKEN } from '../private/generated-secret';
import { invalid } from '../private/validation';
import { ContainerServiceSpec, resolveManaged } from '../services/container-service';
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
   * @default - planned for this service (and its project task and event worker) alone
   */
  readonly connectionBudget?: ConnectionBudget;

  /**
   * The Next.js app's base URL inside the VPC, e.g. `http://nextjs:3000` (`NextjsService.internalUrl`).
   * Every Hasura task, the one that applies the project included, gets it as `NEXTJS_INTERNAL_URL`, for
   * metadata to template handler URLs with (`{{NEXTJS_INTERNAL_URL}}/api/...`); `authHook` calls it.
   *
   * @default - Hasura does not call the Next.js app
   */
  readonly nextjsInternalUrl?: string;

  /**
   * How long a request may stay silent in front of Hasura (the load balancer's idle timeout). Actions
   * of the project whose timeout reaches it get a synth-time warning.
   *
   * @default - not checked
   */
  readonly requestTimeout?: Duration;
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
  /** The secret holding Hasura's JWT config; none with an auth webhook (`authHook`). */
  public readonly jwtSecret?: secretsmanager.ISecret;
  /**
   * The secret Hasura sends to the Next.js app (`HASURA_WEBHOOK_SECRET` in both services), for metadata
   * headers `value_from_env: HASURA_WEBHOOK_SECRET`.
   */
  public readonly webhookSecret: secretsmanager.ISecret;
  /** Where Hasura calls the Next.js app inside the VPC (`NEXTJS_INTERNAL_URL`), if it does. */
  public readonly nextjsInternalUrl?: string;
  /** Whether the public listener routes `/api/rest/*` to Hasura (`restifiedEndpoints`). */
  public readonly restifiedEndpoints: boolean;
  /** The service that delivers event triggers and async actions, when `eventWorker` is set. */
  public readonly eventWorker?: PlatformService;
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
  /** Hasura's own database role, which the tasks log in as (never the master user). */
  public readonly databaseRole: HasuraDatabaseRole;
  /** What applies `project` on each deploy, when a project is set. */
  public readonly projectDeployment?: HasuraProjectDeployment;
  /** The Service Connect namespace the service serves its API in, if any. */
  public readonly serviceConnectNamespace?: servicediscovery.INamespace;

  constructor(scope: Construct, id: string, props: HasuraServiceProps) {
    super(scope, id);
    validateHasuraOptions(props, 'hasura');

    if (props.authHook && props.nextjsInternalUrl === undefined) {
      invalid('hasura.authHook', props.authHook.path, 'Hasura calls the auth webhook at the Next.js app\'s internal URL,'
        + ' and this service was given none: pass nextjsInternalUrl (a HasuraNextjsPlatform does).');
    }
    this.nextjsInternalUrl = props.nextjsInternalUrl;
    this.restifiedEndpoints = props.restifiedEndpoints ?? false;
    this.adminSecret = props.adminSecret ?? generatedSecret(this, 'AdminSecret',
      'Hasura admin secret (HASURA_GRAPHQL_ADMIN_SECRET)', RANDOM_TOKEN, props.encryptionKey);
    this.webhookSecret = props.webhookSecret ?? generatedSecret(this, 'WebhookSecret',
      'Secret Hasura sends to the Next.js app\'s routes (HASURA_WEBHOOK_SECRET)', RANDOM_TOKEN, props.encryptionKey);
    if (props.authHook) {
      // Hasura refuses to start with both an auth webhook and a JWT config.
    } else if (props.jwt) {
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
    const project: LoadedHasuraProject | undefined = props.project ? loadHasuraProject(props.project, 'hasura.project') : undefined;
    this.engineVersion = props.engineVersion ?? DEFAULT_HASURA_VERSION;
    const baseImage = cliMigrationsImage(this.engineVersion);
    // One engine image serves and applies the project, so the two can never be different versions.
    const engine = props.image ? undefined
      : hasuraEngineImage(this, baseImage, props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64, project).image;
    this.connectionBudget = props.connectionBudget ?? planConnectionBudget(hasuraDatabaseDemands(props, 'hasura'),
      database.maxConnections, { prop: 'hasura.connectionPoolSize', value: props.connectionPoolSize }, 'database');
    this.databaseRole = HasuraDatabaseRole.forDatabase({
      database, vpc: props.cluster.vpc, vpcSubnets: props.vpcSubnets, encryptionKey: props.encryptionKey,
    });
    const context: HasuraContext = {
      options: props,
      database,
      databaseRole: this.databaseRole,
      poolSize: this.connectionBudget.poolSize,
      corsDomains: props.corsDomains,
      adminSecret: this.adminSecret,
      jwtSecret: this.jwtSecret,
      webhookSecret: this.webhookSecret,
      nextjsInternalUrl: props.nextjsInternalUrl,
      verifyDatabaseServer: engine !== undefined,
      role: HasuraTaskRole.SERVING,
    };
    const image = props.image ?? engine!;
    const parts = this._createService({
      ...engineSpec(image, context, props),
      prefix: 'hasura',
      options: props,
      serviceConnectName: SERVICE_CONNECT_NAME,
      enableExecuteCommand: props.enableExecuteCommand,
    });
    this.serviceConnectNamespace = parts.serviceConnectNamespace;
    if (parts.serviceConnectNamespace) {
      this.internalGraphqlUrl = `http://${SERVICE_CONNECT_NAME}:${HASURA_PORT}/v1/graphql`;
    }
    database.allowConnectionsFrom(this);
    // Each new revision puts the role in step before its tasks start.
    this.databaseRole.addClient(this.taskDefinition, this.service);

    if (props.eventWorker) {
      const worker = props.eventWorker;
      this.eventWorker = new HasuraEventWorker(this, 'EventWorker', {
        ...engineSpec(image, { ...context, role: HasuraTaskRole.EVENTS }, {
          ...props,
          logGroupName: props.logGroupName === undefined ? undefined : `${props.logGroupName}-events`,
        }),
        prefix: 'hasura.eventWorker',
        options: {
          ...props,
          autoScaling: undefined,
          desiredCount: worker.desiredCount ?? DEFAULT_EVENT_WORKER_TASKS,
          cpu: worker.cpu ?? props.cpu,
          memoryLimitMiB: worker.memoryLimitMiB ?? props.memoryLimitMiB,
        },
      });
      database.allowConnectionsFrom(this.eventWorker);
      this.databaseRole.addClient(this.eventWorker.taskDefinition, this.eventWorker.service);
    }

    if (project) {
      checkMetadataAgainstPlatform(project, {
        options: props,
        prop: 'hasura.project',
        scope: this,
        requestTimeoutSeconds: props.requestTimeout?.toSeconds(),
        // What every Hasura task gets, the one that applies the project included.
        variables: [
          ...Object.keys(props.environment ?? {}),
          ...Object.keys(props.secrets ?? {}),
          ...CALLBACK_VARIABLES.filter((name) => name !== 'NEXTJS_INTERNAL_URL' || props.nextjsInternalUrl !== undefined),
          'HASURA_GRAPHQL_DATABASE_URL',
        ],
      });
    }

    if (props.project && project) {
      checkPoolSettings(project, this.connectionBudget.poolSize, 'hasura.project');
      this.projectDeployment = new HasuraProjectDeployment(this, 'Project', {
        project: props.project,
        image: engine,
        baseImage,
        environment: { ...props.environment, ...callbackEnvironment(props.nextjsInternalUrl) },
        cluster: props.cluster,
        database,
        adminSecret: this.adminSecret,
        cpuArchitecture: props.cpuArchitecture,
        encryptionKey: props.encryptionKey,
        vpcSubnets: props.vpcSubnets,
        secrets: { ...props.secrets, HASURA_WEBHOOK_SECRET: ecs.Secret.fromSecretsManager(this.webhookSecret) },
        logRetention: props.logRetention,
        connectionPoolSize: this.connectionBudget.poolSize,
      });
      // The new revision rolls out only after its project applied cleanly.
      this.service.node.addDependency(this.projectDeployment.resource);
      this.eventWorker?.service.node.addDependency(this.projectDeployment.resource);
    }
  }

  /** The tasks that call out to the Next.js app: the serving tasks, and the event worker's. */
  public get callers(): PlatformService[] {
    return this.eventWorker ? [this, this.eventWorker] : [this];
  }
}

/** What the serving tasks and the event worker's have in common: one engine image, one start script, one set of variables. */
function engineSpec(image: ecs.ContainerImage, context: HasuraContext, props: ContainerServiceProps)
  : Omit<ContainerServiceSpec, 'prefix' | 'options'> {
  return {
    containerName: 'hasura',
    containerPort: HASURA_PORT,
    image,
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
    environment: resolveManaged(HASURA_ENVIRONMENT, context),
    secrets: resolveManaged(HASURA_SECRETS, context),
  };
}

/** The plain callback variable the project task gets besides the user's environment. */
function callbackEnvironment(nextjsUrl: string | undefined): { [name: string]: string } {
  return nextjsUrl === undefined ? {} : { NEXTJS_INTERNAL_URL: nextjsUrl };
}

/** Name and DNS alias of Hasura in the Service Connect namespace. */
const SERVICE_CONNECT_NAME = 'hasura';
