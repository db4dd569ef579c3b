import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HasuraProject } from './project';
import { ContainerServiceOptions } from '../services/service-options';

/** Hasura API groups that `HASURA_GRAPHQL_ENABLED_APIS` can enable. */
export enum HasuraApi {
  /** `/v1/graphql` and `/v1beta1/relay`. */
  GRAPHQL = 'graphql',
  /** `/v1/metadata`, `/v2/query` and `/v1/query`: full admin control. */
  METADATA = 'metadata',
  /** `/v1alpha1/pg_dump`. */
  PGDUMP = 'pgdump',
  /** `/v1alpha1/config`. */
  CONFIG = 'config',
  /** Developer APIs such as `/dev/ekg`. */
  DEVELOPER = 'developer',
  /** `/v1/metrics` (Enterprise Edition). */
  METRICS = 'metrics',
}

/** Where the Hasura console (and the admin APIs it uses) can be reached from. */
export interface HasuraConsoleOptions {
  /**
   * IPv4 CIDR blocks allowed to reach the console listener, e.g. your office or VPN range.
   * `0.0.0.0/0` is refused unless `insecureAllowAnyIpv4` is set.
   */
  readonly allowedCidrs: string[];

  /**
   * Allow `0.0.0.0/0` in `allowedCidrs`, exposing the console and admin APIs to the whole internet
   * behind nothing but the admin secret. Not for production.
   *
   * @default false
   */
  readonly insecureAllowAnyIpv4?: boolean;

  /**
   * Serve the console without TLS when the platform has no domain, sending the admin secret and
   * metadata over plain HTTP. Not for production.
   *
   * @default false
   */
  readonly insecureAllowPlainHttp?: boolean;
}

/** The JWT configuration Hasura verifies tokens with. */
export interface HasuraJwtOptions {
  /**
   * A secret whose whole value is Hasura's JWT config JSON, e.g. `{"type":"HS256","key":"..."}` or
   * `{"jwk_url":"https://.../.well-known/jwks.json"}`.
   */
  readonly secret: secretsmanager.ISecret;

  /**
   * JSON field of `secret` holding the shared signing key, which the Next.js service receives as
   * `JWT_SECRET` so it signs the tokens Hasura verifies.
   *
   * @default - Next.js gets no `JWT_SECRET` (right for `jwk_url` configurations)
   */
  readonly signingKeyField?: string;
}

/** How Hasura sends a request's credentials to its auth webhook (`HASURA_GRAPHQL_AUTH_HOOK_MODE`). */
export enum HasuraAuthHookMode {
  /** A GET with the client's headers (less a few, such as `Content-Type`). */
  GET = 'GET',
  /** A POST with `{"headers": ..., "request": {"query", "variables", "operationName"}}`. */
  POST = 'POST',
}

/**
 * Authenticate requests with a route of the Next.js app instead of JWTs (Hasura's auth webhook). For
 * each request without the admin secret, Hasura calls the route inside the VPC; it answers 200 with the
 * session variables (`X-Hasura-Role` at least) or 401.
 */
export interface HasuraAuthHookOptions {
  /** Path of the Next.js route handler, e.g. `/api/hasura-auth`. */
  readonly path: string;

  /**
   * How Hasura calls it.
   *
   * @default HasuraAuthHookMode.GET
   */
  readonly mode?: HasuraAuthHookMode;
}

/**
 * A service of its own that delivers event triggers and async actions, so that the serving tasks do
 * not each poll for them. It runs the same engine image and settings as the serving tasks, behind no
 * load balancer, and is counted in the database's connection budget.
 */
export interface HasuraEventWorkerOptions {
  /**
   * Tasks that deliver events. Several may run: each event is locked by the task that fetched it.
   * Events wait in the database while none runs, so one task loses nothing when it is replaced.
   *
   * @default 1
   */
  readonly desiredCount?: number;

  /**
   * CPU units of each task.
   *
   * @default - the serving tasks' `cpu`
   */
  readonly cpu?: number;

  /**
   * Memory of each task, in MiB.
   *
   * @default - the serving tasks' `memoryLimitMiB`
   */
  readonly memoryLimitMiB?: number;

  /**
   * Event deliveries each task makes at once (`HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE`).
   *
   * @default 100
   */
  readonly httpPoolSize?: number;
}

/** Settings of the Hasura GraphQL Engine service. */
export interface HasuraOptions extends ContainerServiceOptions {
  /**
   * The Hasura version to run, e.g. `v2.51.3`. The platform builds one engine image from Hasura's
   * `<version>.cli-migrations-v3` image, with the RDS certificate authorities (so Hasura verifies the
   * database's certificate) and your `project`; the serving tasks and the task that applies the project
   * both run it. `cdk deploy` builds it once and pushes it to the account's registry, so no task pulls
   * from Docker Hub (whose anonymous pulls are limited per address). Go up, never down: a newer engine
   * upgrades the metadata catalog, which an older one refuses to start on, so a deploy that goes back
   * fails before it applies anything.
   *
   * @default "v2.51.3"
   */
  readonly engineVersion?: string;

  /**
   * A Hasura image of your own instead of the engine image the platform builds, e.g. from a registry
   * you mirror into. It must provide `/bin/sh` and `graphql-engine`. Hasura then connects with
   * `sslmode=require` (encrypted, but the server's certificate is not verified), and it cannot be
   * combined with `project` or `engineVersion`, which need the platform's image.
   *
   * @default - the engine image the platform builds at `engineVersion`
   */
  readonly image?: ecs.ContainerImage;

  /**
   * Secret whose whole value is the admin secret (`HASURA_GRAPHQL_ADMIN_SECRET`).
   *
   * @default - a random 48-character secret is generated
   */
  readonly adminSecret?: secretsmanager.ISecret;

  /**
   * JWT configuration (`HASURA_GRAPHQL_JWT_SECRET`).
   *
   * @default - a secret `{"type":"HS256","key":"<64 random characters>"}` is generated; Next.js gets its `key`
   */
  readonly jwt?: HasuraJwtOptions;

  /**
   * Serve the Hasura console (and the admin APIs it needs) on a separate listener, port 8080,
   * reachable only from the listed CIDRs. It needs a `domain` (TLS) unless
   * `insecureAllowPlainHttp` is set.
   *
   * @default - console off, admin APIs off
   */
  readonly console?: HasuraConsoleOptions;

  /**
   * Let operators open a shell in the Hasura containers, or forward a port to them, with ECS Exec
   * (`aws ecs execute-command`, SSM port forwarding): the way to run the Hasura CLI or console against
   * a platform whose load balancer opens no admin surface. In a `HasuraNextjsPlatform`, sessions are
   * encrypted with the platform key and logged to `/ecs/<platformName>/exec`.
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Hasura's dev mode: detailed internal errors in API responses. Not for production.
   *
   * @default false
   */
  readonly devMode?: boolean;

  /**
   * Role for requests without credentials (`HASURA_GRAPHQL_UNAUTHORIZED_ROLE`).
   *
   * @default - unauthenticated requests are rejected
   */
  readonly unauthorizedRole?: string;

  /**
   * Your Hasura project (`hasura init` layout: `metadata/`, `migrations/`), applied on every deploy that
   * changes it: a one-off task applies the metadata, the migrations of all databases and a metadata
   * reload, checks that the metadata is consistent, and only then does the service roll out. A
   * failure fails the deploy, which rolls back while the running tasks keep serving.
   *
   * @default - no project is applied: Hasura serves whatever metadata its database holds
   */
  readonly project?: HasuraProject;

  /**
   * Connections each Hasura task may open per pool (`HASURA_GRAPHQL_PG_CONNECTIONS`). A task has two
   * pools, the `default` source's and the metadata store's. Hasura writes the source's pool size into
   * its metadata when it first creates the source; later changes apply to the metadata pool only (the
   * source's `pool_settings` then come from your Hasura project's `databases.yaml`).
   *
   * @default - the largest pool, at most 50, for which the peak number of tasks (twice the most that
   * scaling allows, during a deploy) fits the database's `max_connections` less 8 reserved
   */
  readonly connectionPoolSize?: number;

  /**
   * Serve only the operations of the project's allow-list (`HASURA_GRAPHQL_ENABLE_ALLOWLIST`) to every
   * role but admin: the query collections that `metadata/allow_list.yaml` names. With a `project`, the
   * platform checks at synth time that the allow-list names collections that exist and is not empty.
   *
   * @default false
   */
  readonly allowList?: boolean;

  /**
   * Authenticate requests with a route of the Next.js app (Hasura's auth webhook,
   * `HASURA_GRAPHQL_AUTH_HOOK`) instead of JWTs. Hasura calls it at its internal URL, so it needs the
   * Next.js service, and it cannot be combined with `jwt` or `unauthorizedRole` (the route answers
   * for anonymous requests itself).
   *
   * @default - JWTs (`jwt`)
   */
  readonly authHook?: HasuraAuthHookOptions;

  /**
   * Deliver event triggers and async actions from a service of their own; the serving tasks then stop
   * fetching them (`HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL` and `HASURA_GRAPHQL_ASYNC_ACTIONS_FETCH_INTERVAL`
   * 0), so that scaling the API out does not multiply the database polling. Cron and scheduled
   * triggers are still run by every Hasura task: Hasura's free edition cannot switch them off.
   *
   * @default - every serving task also delivers events
   */
  readonly eventWorker?: HasuraEventWorkerOptions;

  /**
   * Route Hasura's RESTified endpoints (`/api/rest/*`, from the project's `rest_endpoints.yaml`) on the
   * public listener to Hasura. Refused when it would take a path that `nextjs.apiRoutes` names or the
   * Next.js health check path.
   *
   * @default false
   */
  readonly restifiedEndpoints?: boolean;

  /**
   * Secret whose whole value Hasura sends to the Next.js app's routes (the `HASURA_WEBHOOK_SECRET`
   * variable of both services, for metadata headers `value_from_env: HASURA_WEBHOOK_SECRET`).
   *
   * @default - a random 48-character secret is generated
   */
  readonly webhookSecret?: secretsmanager.ISecret;

  /**
   * API groups to enable. Whatever is enabled, the public listeners route only the GraphQL API and
   * `/healthz` to Hasura.
   *
   * @default - GRAPHQL; GRAPHQL, METADATA and CONFIG when the console is on
   */
  readonly enabledApis?: HasuraApi[];

  /**
   * Turn on Hasura's `query-log`: every operation's GraphQL text, its variables and the SQL Hasura
   * generated, with the operation name (the only CE log that has it), tied to the `http-log` line by
   * `request_id`. Variables often hold personal data, which then sits in the container log group for
   * `logRetention`, and the volume multiplies the log ingestion bill. Turn it on to investigate, then
   * off again. Hasura's `http-log`, which the monitoring reads, is always on.
   *
   * @default false
   */
  readonly queryLog?: boolean;
}
