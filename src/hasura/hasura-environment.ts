import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HASURA_DEFAULT_LOG_TYPES, HASURA_QUERY_LOG_TYPE } from './hasura-logs';
import { HasuraApi, HasuraOptions } from './hasura-options';
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
  readonly poolSize: number;
  readonly corsDomains?: string[];
  readonly adminSecret: secretsmanager.ISecret;
  readonly jwtSecret: secretsmanager.ISecret;
  /** Whether the image holds the RDS certificate authorities, so the database's certificate is verified. */
  readonly verifyDatabaseServer: boolean;
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
  // Hasura's own default set unless query-log is asked for. Managed, so that http-log, which the
  // monitoring's metric filters read, cannot be switched off by a user variable.
  HASURA_GRAPHQL_ENABLED_LOG_TYPES: (c) => (c.options.queryLog ? [...HASURA_DEFAULT_LOG_TYPES, HASURA_QUERY_LOG_TYPE].join(',') : undefined),
};

/** The secrets the platform gives Hasura, in the order the container gets them. */
export const HASURA_SECRETS: ManagedSecrets<HasuraContext> = {
  PLATFORM_DB_USER: (c) => startScriptSecrets(c.database).PLATFORM_DB_USER,
  PLATFORM_DB_PASSWORD: (c) => startScriptSecrets(c.database).PLATFORM_DB_PASSWORD,
  HASURA_GRAPHQL_ADMIN_SECRET: (c) => ecs.Secret.fromSecretsManager(c.adminSecret),
  HASURA_GRAPHQL_JWT_SECRET: (c) => ecs.Secret.fromSecretsManager(c.jwtSecret),
};

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
