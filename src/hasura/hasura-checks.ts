import { HasuraApi, HasuraOptions } from './hasura-options';
import { invalid, isToken, requireCidr } from '../private/validation';
import { validateContainerServiceOptions } from '../services/container-service';

/** The Hasura image used unless `hasura.image` is set: a pinned v2 release. */
export const DEFAULT_HASURA_IMAGE = 'hasura/graphql-engine:v2.51.3';

/** Port the Hasura container listens on. */
export const HASURA_PORT = 8080;

/** Environment variable names this service sets itself. */
const MANAGED_NAMES = [
  'HASURA_GRAPHQL_DATABASE_URL', 'HASURA_GRAPHQL_METADATA_DATABASE_URL', 'HASURA_GRAPHQL_ADMIN_SECRET',
  'HASURA_GRAPHQL_JWT_SECRET', 'HASURA_GRAPHQL_ENABLE_CONSOLE', 'HASURA_GRAPHQL_DEV_MODE',
  'HASURA_GRAPHQL_ENABLED_APIS', 'HASURA_GRAPHQL_ENABLE_TELEMETRY', 'HASURA_GRAPHQL_CORS_DOMAIN',
  'HASURA_GRAPHQL_DISABLE_CORS', 'HASURA_GRAPHQL_UNAUTHORIZED_ROLE', 'HASURA_GRAPHQL_SERVER_PORT',
  'PLATFORM_DB_HOST', 'PLATFORM_DB_PORT', 'PLATFORM_DB_NAME', 'PLATFORM_DB_USER', 'PLATFORM_DB_PASSWORD',
  'PLATFORM_DB_SSLMODE', 'HASURA_GRAPHQL_PG_CONNECTIONS', 'HASURA_GRAPHQL_PG_STRIPES',
  'HASURA_GRAPHQL_GRACEFUL_SHUTDOWN_TIMEOUT',
];

/** Seconds Hasura waits for in-flight requests and events when it stops (its own default, pinned). */
export const HASURA_GRACEFUL_SHUTDOWN_SECONDS = 60;

/** Seconds ECS gives Hasura between SIGTERM and SIGKILL unless `hasura.stopTimeout` says otherwise. */
export const HASURA_STOP_TIMEOUT_SECONDS = 90;

/**
 * Validates Hasura options; `prefix` names the props in error messages.
 */
export function validateHasuraOptions(options: HasuraOptions, prefix: string): void {
  validateContainerServiceOptions(prefix, options, MANAGED_NAMES);
  const stopTimeout = options.stopTimeout;
  if (stopTimeout !== undefined && !stopTimeout.isUnresolved()
    && stopTimeout.toSeconds({ integral: false }) <= HASURA_GRACEFUL_SHUTDOWN_SECONDS) {
    invalid(`${prefix}.stopTimeout`, stopTimeout.toHumanString(), 'Hasura\'s graceful shutdown takes up to'
      + ` ${HASURA_GRACEFUL_SHUTDOWN_SECONDS} seconds: use more than that, at most 120 seconds.`);
  }
  if (options.enabledApis !== undefined) {
    if (!options.enabledApis.includes(HasuraApi.GRAPHQL)) {
      invalid(`${prefix}.enabledApis`, options.enabledApis, 'Include HasuraApi.GRAPHQL: the platform serves the GraphQL API.');
    }
    if (options.console && !options.enabledApis.includes(HasuraApi.METADATA)) {
      invalid(`${prefix}.enabledApis`, options.enabledApis, 'The console needs HasuraApi.METADATA.');
    }
  }
  if (options.console) {
    const { allowedCidrs, insecureAllowAnyIpv4 } = options.console;
    if (allowedCidrs.length === 0) {
      invalid(`${prefix}.console.allowedCidrs`, allowedCidrs, 'List at least one CIDR block that may reach the console.');
    }
    for (const cidr of allowedCidrs) {
      const parsed = requireCidr(`${prefix}.console.allowedCidrs`, cidr, 0, 32);
      if (parsed.prefixLength === 0 && !insecureAllowAnyIpv4) {
        invalid(`${prefix}.console.allowedCidrs`, cidr,
          `This opens the console to the whole internet; list narrower ranges, or set ${prefix}.console.insecureAllowAnyIpv4 to true.`);
      }
    }
  }
  const role = options.unauthorizedRole;
  if (role !== undefined && !isToken(role) && !/^[A-Za-z0-9_-]{1,64}$/.test(role)) {
    invalid(`${prefix}.unauthorizedRole`, role, 'Use letters, digits, "_" and "-", at most 64 characters.');
  }
}
