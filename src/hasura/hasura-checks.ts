import { HASURA_VERSION } from './engine-image';
import { HASURA_GRACEFUL_SHUTDOWN_SECONDS, HASURA_MANAGED_NAMES } from './hasura-environment';
import { HasuraApi, HasuraOptions } from './hasura-options';
import { checkInteger, invalid, isToken, requireCidr } from '../private/validation';
import { DEFAULT_TASK, validateContainerServiceOptions } from '../services/container-service';
import { checkFargateSize } from '../services/fargate-sizes';


/** Seconds ECS gives Hasura between SIGTERM and SIGKILL unless `hasura.stopTimeout` says otherwise. */
export const HASURA_STOP_TIMEOUT_SECONDS = 90;

/**
 * Validates Hasura options; `prefix` names the props in error messages.
 */
export function validateHasuraOptions(options: HasuraOptions, prefix: string): void {
  validateContainerServiceOptions(prefix, options, HASURA_MANAGED_NAMES);
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
  checkEngine(options, prefix);
  checkAuthHook(options, prefix);
  checkEventWorker(options, prefix);
  const role = options.unauthorizedRole;
  if (role !== undefined && !isToken(role) && !/^[A-Za-z0-9_-]{1,64}$/.test(role)) {
    invalid(`${prefix}.unauthorizedRole`, role, 'Use letters, digits, "_" and "-", at most 64 characters.');
  }
}

/** An auth webhook replaces JWTs, and answers for anonymous requests itself. */
function checkAuthHook(options: HasuraOptions, prefix: string): void {
  const hook = options.authHook;
  if (hook === undefined) {
    return;
  }
  if (isToken(hook.path) || !/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,1023}$/.test(hook.path)) {
    invalid(`${prefix}.authHook.path`, hook.path, 'Use a path of the Next.js app that starts with "/", e.g. "/api/hasura-auth".');
  }
  // Hasura exits at start with both ("Both webhook and JWT mode cannot be enabled at the same time"),
  // and with an unauthorized role beside a webhook.
  if (options.jwt) {
    invalid(`${prefix}.jwt`, 'a JWT config', `Hasura cannot verify JWTs and call an auth webhook at once: set one of ${prefix}.jwt and ${prefix}.authHook.`);
  }
  if (options.unauthorizedRole !== undefined) {
    invalid(`${prefix}.unauthorizedRole`, options.unauthorizedRole, `With ${prefix}.authHook, the webhook answers for requests`
      + ' without credentials (with the role they get): Hasura refuses to start with both.');
  }
}

function checkEventWorker(options: HasuraOptions, prefix: string): void {
  const worker = options.eventWorker;
  if (worker === undefined) {
    return;
  }
  checkInteger(`${prefix}.eventWorker.desiredCount`, worker.desiredCount, 1, 100);
  checkInteger(`${prefix}.eventWorker.httpPoolSize`, worker.httpPoolSize, 1, 10000);
  if (worker.cpu !== undefined || worker.memoryLimitMiB !== undefined) {
    checkFargateSize(`${prefix}.eventWorker`, worker.cpu ?? options.cpu ?? DEFAULT_TASK.cpu,
      worker.memoryLimitMiB ?? options.memoryLimitMiB ?? DEFAULT_TASK.memoryLimitMiB);
  }
}

/** One engine for serving and applying: a version the platform builds, or an image of the user's own, not both. */
function checkEngine(options: HasuraOptions, prefix: string): void {
  const version = options.engineVersion;
  if (version !== undefined && (isToken(version) || !HASURA_VERSION.test(version))) {
    invalid(`${prefix}.engineVersion`, version, 'Use a Hasura v2 release tag known at synth time, such as "v2.51.3".');
  }
  if (options.image && version !== undefined) {
    invalid(`${prefix}.image`, 'an image of your own', `It replaces the engine image that ${prefix}.engineVersion (${JSON.stringify(version)})`
      + ` builds: set one of ${prefix}.image and ${prefix}.engineVersion.`);
  }
  if (options.image && options.project) {
    invalid(`${prefix}.image`, 'an image of your own', `With ${prefix}.project, the platform builds one engine image that both applies`
      + ` and serves the project, so that their versions can never differ: remove ${prefix}.image and choose the version with`
      + ` ${prefix}.engineVersion.`);
  }
}
