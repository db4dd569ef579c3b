import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ContainerServiceOptions } from '../services/service-options';
import { TracingOptions } from '../tracing/tracing-options';

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
   * Path the load balancer checks; it must answer 200-399 without authentication.
   *
   * @default "/"
   */
  readonly healthCheckPath?: string;

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
