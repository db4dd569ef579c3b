import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { NextjsOptions } from './nextjs-options';
import type { HasuraService } from '../hasura/hasura-service';
import { ManagedSecrets, ManagedVariables } from '../services/container-service';
import { DEFAULT_TRACING, OTLP_HTTP_ENDPOINT } from '../tracing/collector';

/** Default port of the Next.js server. */
export const NEXTJS_PORT = 3000;

/** What the Next.js container's managed variables are derived from. */
export interface NextjsContext {
  readonly options: NextjsOptions;
  readonly port: number;
  readonly keepAliveTimeout: Duration;
  readonly siteUrl?: string;
  readonly publicGraphqlUrl?: string;
  readonly hasura?: HasuraService;
  readonly nextAuthSecret: secretsmanager.ISecret;
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
  KEEP_ALIVE_TIMEOUT: (c) => String(c.keepAliveTimeout.toMilliseconds()),
  NEXTAUTH_URL: (c) => c.siteUrl,
  // Server-side only: no NEXT_PUBLIC_ prefix, so it never reaches a browser.
  HASURA_GRAPHQL_INTERNAL_URL: (c) => c.hasura?.internalGraphqlUrl,
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
  JWT_SECRET: (c) => (c.options.exposeJwtSigningKey && c.hasura?.jwtSigningKeyField
    ? ecs.Secret.fromSecretsManager(c.hasura.jwtSecret, c.hasura.jwtSigningKeyField) : undefined),
  NEXTAUTH_SECRET: (c) => ecs.Secret.fromSecretsManager(c.nextAuthSecret),
};

/** Names users may not set on Next.js: everything the platform sets. */
export const NEXTJS_MANAGED_NAMES: readonly string[] = [...Object.keys(NEXTJS_ENVIRONMENT), ...Object.keys(NEXTJS_SECRETS)];
