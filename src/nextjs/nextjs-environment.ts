import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NextjsOptions, NextjsServer } from './nextjs-options';
import type { NextjsSharedCache } from './shared-cache';
import type { HasuraService } from '../hasura/hasura-service';
import { ManagedSecrets, ManagedVariables } from '../services/container-service';
import { DEFAULT_TRACING, OTLP_HTTP_ENDPOINT } from '../tracing/collector';

/** Default port of the Next.js server. */
export const NEXTJS_PORT = 3000;

/** What the load balancer requests of Next.js unless `healthCheckPath` says otherwise. */
export const DEFAULT_HEALTH_CHECK_PATH = '/api/health';

/** Name and DNS alias of Next.js in the Service Connect namespace. */
export const NEXTJS_SERVICE_CONNECT_NAME = 'nextjs';

/**
 * The Next.js app's base URL inside the VPC through Service Connect, e.g. `http://nextjs:3000`. Hasura
 * gets it as `NEXTJS_INTERNAL_URL`, for metadata to template handler URLs with
 * (`{{NEXTJS_INTERNAL_URL}}/api/...`).
 */
export function nextjsInternalUrl(port: number): string {
  return `http://${NEXTJS_SERVICE_CONNECT_NAME}:${port}`;
}

/** What the Next.js container's managed variables are derived from. */
export interface NextjsContext {
  readonly options: NextjsOptions;
  readonly port: number;
  readonly server: NextjsServer;
  readonly keepAliveTimeout: Duration;
  readonly siteUrl?: string;
  readonly publicGraphqlUrl?: string;
  readonly hasura?: HasuraService;
  readonly nextAuthSecret: secretsmanager.ISecret;
  readonly sharedCache?: NextjsSharedCache;
  /** The distribution whose cache the tasks may invalidate. */
  readonly invalidatedDistribution?: cloudfront.IDistribution;
}

/** The plain variables the platform sets on Next.js, in the order the container gets them. */
export const NEXTJS_ENVIRONMENT: ManagedVariables<NextjsContext> = {
  // Inlined into browser code by `next build`; at run time only server code reads it.
  NEXT_PUBLIC_HASURA_GRAPHQL_URL: (c) => c.publicGraphqlUrl,
  NODE_ENV: () => 'production',
  // Listen on the task's interface, not only on localhost.
  HOSTNAME: () => '0.0.0.0',
  PORT: (c) => String(c.port),
  // Read by the standalone server (milliseconds); idle connections outlive the load balancer's.
  // `next start` ignores it and gets --keepAliveTimeout in its command instead.
  KEEP_ALIVE_TIMEOUT: (c) => (c.server === NextjsServer.STANDALONE ? String(c.keepAliveTimeout.toMilliseconds()) : undefined),
  NEXTAUTH_URL: (c) => c.siteUrl,
  // Server-side only: no NEXT_PUBLIC_ prefix, so it never reaches a browser.
  HASURA_GRAPHQL_INTERNAL_URL: (c) => c.hasura?.internalGraphqlUrl,
  // The shared cache, for the app's cache handler; its password is a secret.
  CACHE_REDIS_URL: (c) => c.sharedCache?.url,
  CACHE_REDIS_USERNAME: (c) => c.sharedCache?.userName,
  // For CreateInvalidation, which the task role may call on this distribution only.
  CLOUDFRONT_DISTRIBUTION_ID: (c) => c.invalidatedDistribution?.distributionId,
  // With nextjs.tracing, spans go to the trace collector in the same task, which sends them to X-Ray.
  // OTEL_PROPAGATORS stays the application's: @vercel/otel 2.x throws 'Unknown propagator: "xray"' when
  // it reads that value from the environment, so the X-Ray propagator is configured in code instead.
  OTEL_EXPORTER_OTLP_ENDPOINT: (c) => c.options.tracing && OTLP_HTTP_ENDPOINT,
  OTEL_EXPORTER_OTLP_PROTOCOL: (c) => c.options.tracing && 'http/protobuf',
  OTEL_SERVICE_NAME: (c) => c.options.tracing && (c.options.tracing.serviceName ?? DEFAULT_TRACING.serviceName),
  // New traces are recorded at the sampling ratio; a request whose caller recorded its trace always is.
  OTEL_TRACES_SAMPLER: (c) => c.options.tracing && 'parentbased_traceidratio',
  OTEL_TRACES_SAMPLER_ARG: (c) => c.options.tracing && String(c.options.tracing.samplingRatio ?? DEFAULT_TRACING.samplingRatio),
};

/** The secrets the platform gives Next.js, in the order the container gets them. */
export const NEXTJS_SECRETS: ManagedSecrets<NextjsContext> = {
  // Least privilege: the admin secret and the signing key only when asked for by name.
  HASURA_GRAPHQL_ADMIN_SECRET: (c) => (c.options.exposeHasuraAdminSecret && c.hasura
    ? ecs.Secret.fromSecretsManager(c.hasura.adminSecret) : undefined),
  JWT_SECRET: (c) => (c.options.exposeJwtSigningKey && c.hasura?.jwtSecret && c.hasura.jwtSigningKeyField
    ? ecs.Secret.fromSecretsManager(c.hasura.jwtSecret, c.hasura.jwtSigningKeyField) : undefined),
  NEXTAUTH_SECRET: (c) => ecs.Secret.fromSecretsManager(c.nextAuthSecret),
  // What Hasura sends in the headers of its calls to Next.js (actions, event and cron triggers), so
  // that route handlers can tell Hasura from anyone else who reaches them.
  HASURA_WEBHOOK_SECRET: (c) => (c.hasura ? ecs.Secret.fromSecretsManager(c.hasura.webhookSecret) : undefined),
  CACHE_REDIS_PASSWORD: (c) => (c.sharedCache ? ecs.Secret.fromSecretsManager(c.sharedCache.passwordSecret) : undefined),
};

/** Names users may not set on Next.js: everything the platform sets. */
export const NEXTJS_MANAGED_NAMES: readonly string[] = [...Object.keys(NEXTJS_ENVIRONMENT), ...Object.keys(NEXTJS_SECRETS)];

/**
 * The container command that starts `next start` listening on every interface of the task, with idle
 * connections kept open for `keepAliveTimeout`.
 */
export function nextStartCommand(port: number, keepAliveTimeout: Duration): string[] {
  return ['node_modules/.bin/next', 'start', '--hostname', '0.0.0.0', '--port', String(port),
    '--keepAliveTimeout', String(keepAliveTimeout.toMilliseconds())];
}
