import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HasuraDatabaseRole } from './database-role';
import { HASURA_DEFAULT_LOG_TYPES, HASURA_QUERY_LOG_TYPE } from './hasura-logs';
import { HasuraApi, HasuraAuthHookMode, HasuraOptions } from './hasura-options';
import { startScriptEnvironment, startScriptSecrets } from './start-script';
import { PlatformDatabase } from '../database/database';
import { ManagedSecrets, ManagedVariables } from '../services/container-service';

/** Port the Hasura container listens on. */
export const HASURA_PORT = 8080;

/** Seconds Hasura waits for in-flight requests and events when it stops (its own default, pinned). */
export const HASURA_GRACEFUL_SHUTDOWN_SECONDS = 60;

/** What the Hasura container's managed variables are derived from. */
export interface HasuraContext {
  readonly options: HasuraOptions;
  readonly database: PlatformDatabase;
  /** Hasura's own database role, whose credentials the tasks log in with. */
  readonly databaseRole: HasuraDatabaseRole;
  readonly poolSize: number;
  readonly corsDomains?: string[];
  readonly adminSecret: secretsmanager.ISecret;
  /** The JWT config; none in auth webhook mode. */
  readonly jwtSecret?: secretsmanager.ISecret;
  readonly webhookSecret: secretsmanager.ISecret;
  /** Where Hasura reaches the Next.js app inside the VPC, if it does. */
  readonly nextjsInternalUrl?: string;
  /** Whether the image holds the RDS certificate authorities, so the database's certificate is verified. */
  readonly verifyDatabaseServer: boolean;
  /** What the task does: serve the API, or deliver events for the serving tasks. */
  readonly role: HasuraTaskRole;
}

/** What a Hasura task is for. */
export enum HasuraTaskRole {
  /** Serves the API; also delivers events unless an event worker does. */
  SERVING = 'serving',
  /** Delivers event triggers and async actions for the serving tasks. */
  EVENTS = 'events',
}

/** Where Hasura calls its auth webhook, if it has one. */
export function authHookUrl(options: HasuraOptions, nextjsUrl: string | undefined): string | undefined {
  return options.authHook && nextjsUrl ? `${nextjsUrl}${options.authHook.path}` : undefined;
}

/** Whether the serving tasks leave event delivery to an event worker. */
function servingWithWorker(c: HasuraContext): boolean {
  return c.role === HasuraTaskRole.SERVING && c.options.eventWorker !== undefined;
}

/** The plain variables the platform sets on Hasura, in the order the container gets them. */
export const HASURA_ENVIRONMENT: ManagedVariables<HasuraContext> = {
  ...startScriptVariables(),
  HASURA_GRAPHQL_SERVER_PORT: () => String(HASURA_PORT),
  HASURA_GRAPHQL_ENABLE_CONSOLE: (c) => String(c.options.console !== undefined),
  HASURA_GRAPHQL_DEV_MODE: (c) => String(c.options.devMode ?? false),
  HASURA_GRAPHQL_ENABLED_APIS: (c) => enabledApis(c.options).join(','),
  HASURA_GRAPHQL_ENABLE_TELEMETRY: () => 'false',
  HASURA_GRAPHQL_PG_CONNECTIONS: (c) => String(c.poolSize),
  HASURA_GRAPHQL_GRACEFUL_SHUTDOWN_TIMEOUT: () => String(HASURA_GRACEFUL_SHUTDOWN_SECONDS),
  // Without origins, CORS is off: browsers can call the API only from its own origin.
  HASURA_GRAPHQL_DISABLE_CORS: (c) => (c.corsDomains === undefined ? 'true' : undefined),
  HASURA_GRAPHQL_CORS_DOMAIN: (c) => c.corsDomains?.join(','),
  HASURA_GRAPHQL_UNAUTHORIZED_ROLE: (c) => c.options.unauthorizedRole,
  HASURA_GRAPHQL_ENABLE_ALLOWLIST: (c) => (c.options.allowList ? 'true' : undefined),
  HASURA_GRAPHQL_AUTH_HOOK: (c) => authHookUrl(c.options, c.nextjsInternalUrl),
  HASURA_GRAPHQL_AUTH_HOOK_MODE: (c) => (c.options.authHook ? c.options.authHook.mode ?? HasuraAuthHookMode.GET : undefined),
  // With an event worker, the serving tasks fetch no events and no async actions: 0 turns each poller off.
  HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL: (c) => (servingWithWorker(c) ? '0' : undefined),
  HASURA_GRAPHQL_ASYNC_ACTIONS_FETCH_INTERVAL: (c) => (servingWithWorker(c) ? '0' : undefined),
  HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE: (c) => (c.role === HasuraTaskRole.EVENTS
    ? String(c.options.eventWorker?.httpPoolSize ?? DEFAULT_EVENTS_HTTP_POOL_SIZE) : undefined),
  // For metadata: handler URLs templated as {{NEXTJS_INTERNAL_URL}}/api/...
  NEXTJS_INTERNAL_URL: (c) => c.nextjsInternalUrl,
  // Hasura's own default set unless query-log is asked for. Managed, so that http-log, which the
  // monitoring's metric filters read, cannot be switched off by a user variable.
  HASURA_GRAPHQL_ENABLED_LOG_TYPES: (c) => (c.options.queryLog ? [...HASURA_DEFAULT_LOG_TYPES, HASURA_QUERY_LOG_TYPE].join(',') : undefined),
};

/** The secrets the platform gives Hasura, in the order the container gets them. */
export const HASURA_SECRETS: ManagedSecrets<HasuraContext> = {
  PLATFORM_DB_USER: (c) => startScriptSecrets(c.databaseRole.secret).PLATFORM_DB_USER,
  PLATFORM_DB_PASSWORD: (c) => startScriptSecrets(c.databaseRole.secret).PLATFORM_DB_PASSWORD,
  HASURA_GRAPHQL_ADMIN_SECRET: (c) => ecs.Secret.fromSecretsManager(c.adminSecret),
  HASURA_GRAPHQL_JWT_SECRET: (c) => (c.jwtSecret ? ecs.Secret.fromSecretsManager(c.jwtSecret) : undefined),
  // For metadata: headers `value_from_env: HASURA_WEBHOOK_SECRET` on actions, event and cron triggers.
  HASURA_WEBHOOK_SECRET: (c) => ecs.Secret.fromSecretsManager(c.webhookSecret),
};

/** Hasura's own default of `HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE`, pinned. */
export const DEFAULT_EVENTS_HTTP_POOL_SIZE = 100;

/**
 * Variables that every Hasura task gets, the one that applies the project included, for metadata to
 * reference: `{{NEXTJS_INTERNAL_URL}}` in handler URLs, `value_from_env: HASURA_WEBHOOK_SECRET` in headers.
 */
export const CALLBACK_VARIABLES = ['NEXTJS_INTERNAL_URL', 'HASURA_WEBHOOK_SECRET'] as const;

/**
 * Names users may not set on Hasura: everything the platform sets, plus what the start script builds
 * (the database URL) and settings the connection budget owns.
 */
export const HASURA_MANAGED_NAMES: readonly string[] = [
  ...Object.keys(HASURA_ENVIRONMENT), ...Object.keys(HASURA_SECRETS),
  'HASURA_GRAPHQL_DATABASE_URL', 'HASURA_GRAPHQL_METADATA_DATABASE_URL', 'HASURA_GRAPHQL_PG_STRIPES',
];

/** The start script's plain variables, each read from the database. */
function startScriptVariables(): ManagedVariables<HasuraContext> {
  const names = ['PLATFORM_DB_HOST', 'PLATFORM_DB_PORT', 'PLATFORM_DB_NAME', 'PLATFORM_DB_SSLMODE', 'PLATFORM_DB_SSLROOTCERT'];
  return Object.fromEntries(names.map((name) => [name,
    (c: HasuraContext) => startScriptEnvironment(c.database, c.verifyDatabaseServer)[name]]));
}

function enabledApis(options: HasuraOptions): HasuraApi[] {
  if (options.enabledApis) {
    return options.enabledApis;
  }
  return options.console ? [HasuraApi.GRAPHQL, HasuraApi.METADATA, HasuraApi.CONFIG] : [HasuraApi.GRAPHQL];
}
