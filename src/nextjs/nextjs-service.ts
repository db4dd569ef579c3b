import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { validateNextjsOptions } from './nextjs-checks';
import { NEXTJS_ENVIRONMENT, NEXTJS_PORT, NEXTJS_SECRETS, NextjsContext } from './nextjs-environment';
import { NextjsOptions } from './nextjs-options';
import { HasuraService } from '../hasura/hasura-service';
import { generatedSecret, RANDOM_TOKEN } from '../private/generated-secret';
import { checkDurationSeconds, invalid } from '../private/validation';
import { resolveManaged } from '../services/container-service';
import { PlatformService } from '../services/platform-service';
import { ContainerServiceProps } from '../services/service-options';
import { traceCollector } from '../tracing/collector';

/** Props of `NextjsService`. */
export interface NextjsServiceProps extends NextjsOptions, ContainerServiceProps {
  /**
   * Public URL of the site (`NEXTAUTH_URL`), e.g. `https://example.com`.
   *
   * @default - not set
   */
  readonly siteUrl?: string;

  /**
   * Hasura's public GraphQL endpoint (`NEXT_PUBLIC_HASURA_GRAPHQL_URL`), e.g.
   * `https://example.com/v1/graphql`. `next build` inlines `NEXT_PUBLIC_*` values into browser code, so
   * build the image with it too; at run time only server code reads this one.
   *
   * @default - not set
   */
  readonly publicGraphqlUrl?: string;

  /**
   * How long the server keeps an idle connection open (`KEEP_ALIVE_TIMEOUT`). It must exceed the idle
   * timeout of the load balancer in front, so the load balancer closes idle connections first.
   *
   * @default Duration.seconds(65)
   */
  readonly keepAliveTimeout?: Duration;

  /**
   * The Hasura service that server code calls inside the VPC. Next.js then joins Hasura's Service
   * Connect namespace, gets its internal endpoint as `HASURA_GRAPHQL_INTERNAL_URL` (server-side only:
   * no `NEXT_PUBLIC_` prefix), and Hasura admits its port from the Next.js tasks.
   *
   * @default - server code has no inside path to Hasura
   */
  readonly hasura?: HasuraService;
}

/**
 * A Next.js server on Fargate, listening on all interfaces of its task, with its NextAuth secret in
 * Secrets Manager.
 */
export class NextjsService extends PlatformService {
  /** The short name of the service: `nextjs`. */
  public readonly serviceName: string = 'nextjs';
  /** The NextAuth secret. */
  public readonly nextAuthSecret: secretsmanager.ISecret;
  /** The path the load balancer checks. */
  public readonly healthCheckPath: string;
  /** How long the server keeps idle connections open. */
  public readonly keepAliveTimeout: Duration;

  constructor(scope: Construct, id: string, props: NextjsServiceProps) {
    super(scope, id);
    validateNextjsOptions(props, 'nextjs');
    const port = props.containerPort ?? NEXTJS_PORT;
    this.healthCheckPath = props.healthCheckPath ?? '/';
    checkDurationSeconds('nextjs.keepAliveTimeout', props.keepAliveTimeout, 1, 4100);
    this.keepAliveTimeout = props.keepAliveTimeout ?? Duration.seconds(65);
    const hasura = props.hasura;
    checkHasuraAccess(props);

    this.nextAuthSecret = props.nextAuthSecret ?? generatedSecret(this, 'NextAuthSecret',
      'NextAuth secret (NEXTAUTH_SECRET)', RANDOM_TOKEN, props.encryptionKey);

    const context: NextjsContext = {
      options: props,
      port,
      keepAliveTimeout: this.keepAliveTimeout,
      siteUrl: props.siteUrl,
      publicGraphqlUrl: props.publicGraphqlUrl,
      hasura,
      nextAuthSecret: this.nextAuthSecret,
    };
    this._createService({
      prefix: 'nextjs',
      containerName: 'nextjs',
      containerPort: port,
      image: props.image,
      options: props,
      props: { ...props, serviceConnectNamespace: props.serviceConnectNamespace ?? hasura?.serviceConnectNamespace },
      environment: resolveManaged(NEXTJS_ENVIRONMENT, context),
      secrets: resolveManaged(NEXTJS_SECRETS, context),
      defaultStopTimeout: Duration.seconds(30),
      healthCheck: props.containerHealthCheck ? nodeHealthCheck(port, this.healthCheckPath) : undefined,
      fargateSpot: props.fargateSpot,
      sidecars: props.tracing ? [traceCollector(props.tracing)] : undefined,
    });
    if (hasura) {
      hasura.allowConnectionsFrom(this, 'Hasura API from the Next.js tasks, through Service Connect');
      // Service Connect clients resolve only endpoints that existed when they started.
      this.service.node.addDependency(hasura.service);
    }
  }
}

/** Next.js reaches Hasura only through Service Connect, and gets Hasura's credentials only if there are some to give. */
function checkHasuraAccess(props: NextjsServiceProps): void {
  const hasura = props.hasura;
  if (hasura && !hasura.internalGraphqlUrl) {
    invalid('nextjs.hasura', hasura.node.path, 'That Hasura service joined no Service Connect namespace, so there is'
      + ' no inside path to it: give its cluster a default Cloud Map namespace with useForServiceConnect, or pass'
      + ' serviceConnectNamespace to both services.');
  }
  if (props.exposeHasuraAdminSecret && !hasura) {
    invalid('nextjs.exposeHasuraAdminSecret', true, 'There is no Hasura service (nextjs.hasura) whose admin secret to give.');
  }
  if (props.exposeJwtSigningKey && !hasura?.jwtSigningKeyField) {
    invalid('nextjs.exposeJwtSigningKey', true, 'The Hasura service (nextjs.hasura) has no JWT signing key to give:'
      + ' its jwt names no signingKeyField.');
  }
}

/** A container health check that needs only `node`, which every Next.js server image has. */
function nodeHealthCheck(port: number, path: string): ecs.HealthCheck {
  const script = `require('http').get({host:'127.0.0.1',port:${port},path:${JSON.stringify(path)},timeout:4000},`
    + '(r)=>process.exit(r.statusCode<400?0:1)).on(\'error\',()=>process.exit(1))';
  return {
    command: ['CMD', 'node', '-e', script],
    interval: Duration.seconds(15),
    timeout: Duration.seconds(5),
    retries: 3,
    startPeriod: Duration.seconds(30),
  };
}
