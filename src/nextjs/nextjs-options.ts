import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ContainerServiceOptions } from '../services/service-options';

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
   * Secret whose whole value is `NEXTAUTH_SECRET`.
   *
   * @default - a random 48-character secret is generated
   */
  readonly nextAuthSecret?: secretsmanager.ISecret;
}
