import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { NextjsSharedCacheOptions } from './shared-cache';
import { ContainerServiceOptions } from '../services/service-options';
import { TracingOptions } from '../tracing/tracing-options';

/** How the image starts the Next.js server, which decides how the platform sets its keep-alive timeout. */
export enum NextjsServer {
  /**
   * The standalone server of a `next build` with `output: 'standalone'` (`node server.js`, the image's
   * own command). It reads `PORT`, `HOSTNAME` and `KEEP_ALIVE_TIMEOUT`, which the platform sets.
   */
  STANDALONE = 'standalone',

  /**
   * `next start` from the image's working directory, with `next` installed in its `node_modules`. It
   * ignores `KEEP_ALIVE_TIMEOUT`, so the platform runs it as the container's command:
   * `node_modules/.bin/next start --hostname 0.0.0.0 --port <port> --keepAliveTimeout <milliseconds>`.
   */
  NEXT_START = 'next-start',
}

/** Settings of the Next.js service. */
export interface NextjsOptions extends ContainerServiceOptions {
  /**
   * The Next.js server image, e.g. a `next build` with `output: 'standalone'` (`node server.js`).
   * Remember that `NEXT_PUBLIC_*` values are inlined when the image is built.
   */
  readonly image: ecs.ContainerImage;

  /**
   * Port the server listens on (`PORT`).
   *
   * @default 3000
   */
  readonly containerPort?: number;

  /**
   * How the image starts the server, so that idle connections outlive the load balancer's (the
   * keep-alive timeout is set the way that server reads it).
   *
   * @default NextjsServer.STANDALONE
   */
  readonly server?: NextjsServer;

  /**
   * Path the load balancer (and the container health check) requests; it must answer 200-399 without
   * authentication. Make it a route that depends on nothing else, such as a route handler
   * `app/api/health/route.js` that returns 200: a page that queries Hasura would mark every Next.js
   * task unhealthy, and have it replaced, whenever Hasura is down.
   *
   * @default "/api/health"
   */
  readonly healthCheckPath?: string;

  /**
   * Path prefixes the Next.js app serves itself and that must stay with it, e.g.
   * `["/api/auth", "/api/actions"]`. A path the platform would route to Hasura instead (such as
   * `/api/rest/*` with `hasura.restifiedEndpoints`) that covers one of them is refused at synth time.
   *
   * @default - none named: only the health check path is held against Hasura's routes
   */
  readonly apiRoutes?: string[];

  /**
   * Run the tasks beyond the first on Fargate Spot, about 70% cheaper; AWS may reclaim a Spot task with
   * two minutes' notice (the load balancer drains it, ECS starts a replacement). One task always runs
   * on demand. Not available with `cpuArchitecture` ARM64.
   *
   * @default false
   */
  readonly fargateSpot?: boolean;

  /**
   * Let the container check its own health with `node` (an HTTP GET of `healthCheckPath` on
   * localhost), so ECS replaces a hung server even between load balancer checks. The image must have
   * `node` on its `PATH`, as the official Node.js images do.
   *
   * @default false
   */
  readonly containerHealthCheck?: boolean;

  /**
   * Give the Next.js tasks Hasura's admin secret as `HASURA_GRAPHQL_ADMIN_SECRET`. Server code can
   * then do anything to the database through Hasura, so a flaw in the internet-facing Node.js process
   * (remote code execution, SSRF) becomes full control of the data. Prefer JWTs with roles.
   *
   * @default false
   */
  readonly exposeHasuraAdminSecret?: boolean;

  /**
   * Give the Next.js tasks the key Hasura verifies JWTs with, as `JWT_SECRET`, so server code can sign
   * tokens for any role. Needed when Next.js issues the tokens itself with the generated HS256 key.
   *
   * @default false
   */
  readonly exposeJwtSigningKey?: boolean;

  /**
   * One cache that every Next.js task shares (ElastiCache Serverless for Valkey), for Next.js's data and
   * page cache: a page one task renders is what all tasks serve, and `revalidateTag` or `revalidatePath`
   * on one task refreshes all of them. The tasks get `CACHE_REDIS_URL` (`rediss://...:6379`),
   * `CACHE_REDIS_USERNAME` and the secret `CACHE_REDIS_PASSWORD`; the app configures a cache handler that
   * uses them (see `examples/nextjs-app/cache-handler.js`), with every key under the `{nextjs}:` prefix,
   * the only keys its user may touch.
   *
   * @default - each task keeps its own cache
   */
  readonly sharedCache?: NextjsSharedCacheOptions;

  /**
   * Secret whose whole value is `NEXTAUTH_SECRET`.
   *
   * @default - a random 48-character secret is generated
   */
  readonly nextAuthSecret?: secretsmanager.ISecret;

  /**
   * Send traces to AWS X-Ray: an AWS Distro for OpenTelemetry collector runs beside the server in each
   * task (not essential: if it fails, the site keeps serving), and the server gets the standard
   * `OTEL_*` variables that point OpenTelemetry at it. The application instruments itself, e.g. with
   * `@vercel/otel` in `instrumentation.ts`. The collector's memory comes out of the server's share.
   *
   * @default - no tracing
   */
  readonly tracing?: TracingOptions;
}
