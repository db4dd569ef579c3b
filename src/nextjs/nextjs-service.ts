import { Duration, Names } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { validateNextjsOptions } from './nextjs-checks';
import { DEFAULT_HEALTH_CHECK_PATH, NEXTJS_ENVIRONMENT, NEXTJS_PORT, NEXTJS_SECRETS, NEXTJS_SERVICE_CONNECT_NAME, NextjsContext, nextjsInternalUrl, nextStartCommand } from './nextjs-environment';
import { NextjsOptions, NextjsServer } from './nextjs-options';
import { NextjsSharedCache, sharedCacheName } from './shared-cache';
import { HasuraService } from '../hasura/hasura-service';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';
import { generatedSecret, RANDOM_TOKEN } from '../private/generated-secret';
import { checkDurationSeconds, invalid } from '../private/validation';
import { resolveManaged } from '../services/container-service';
import { PlatformService } from '../services/platform-service';
import { ServiceConnectRefresh } from '../services/service-connect-refresh';
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
   * The Hasura service the app talks to inside the VPC, both ways. Next.js joins Hasura's Service
   * Connect namespace and gets its internal endpoint as `HASURA_GRAPHQL_INTERNAL_URL` (server-side
   * only: no `NEXT_PUBLIC_` prefix), and Hasura's webhook secret as `HASURA_WEBHOOK_SECRET`; Hasura
   * admits the Next.js tasks, and Next.js admits Hasura's tasks (serving and event delivery), which
   * call it at `NEXTJS_INTERNAL_URL` when the Hasura service was given that URL.
   *
   * @default - no inside path between the app and Hasura
   */
  readonly hasura?: HasuraService;

  /**
   * Name of the shared cache (`sharedCache`), its user group and users.
   *
   * @default - derived from the construct path
   */
  readonly sharedCacheName?: string;

  /**
   * A CloudFront distribution in front of the site whose cache the app may invalidate after content
   * changes: the tasks get its id as `CLOUDFRONT_DISTRIBUTION_ID`, and their role may call
   * `cloudfront:CreateInvalidation` on it, nothing else.
   *
   * @default - the app may not invalidate any distribution
   */
  readonly invalidatedDistribution?: cloudfront.IDistribution;
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
  /**
   * The app's base URL inside the VPC through ECS Service Connect, e.g. `http://nextjs:3000`, when the
   * service joined a Service Connect namespace.
   */
  public readonly internalUrl?: string;
  /** The cache every task shares, when `sharedCache` is set. */
  public readonly sharedCache?: NextjsSharedCache;

  constructor(scope: Construct, id: string, props: NextjsServiceProps) {
    super(scope, id);
    validateNextjsOptions(props, 'nextjs');
    const port = props.containerPort ?? NEXTJS_PORT;
    this.healthCheckPath = props.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;
    const server = props.server ?? NextjsServer.STANDALONE;
    checkDurationSeconds('nextjs.keepAliveTimeout', props.keepAliveTimeout, 1, 4100);
    this.keepAliveTimeout = props.keepAliveTimeout ?? Duration.seconds(65);
    const hasura = props.hasura;
    checkHasuraAccess(props);

    this.nextAuthSecret = props.nextAuthSecret ?? generatedSecret(this, 'NextAuthSecret',
      'NextAuth secret (NEXTAUTH_SECRET)', RANDOM_TOKEN, props.encryptionKey);

    if (props.sharedCache) {
      this.sharedCache = new NextjsSharedCache(this, 'SharedCache', {
        ...props.sharedCache,
        vpc: props.cluster.vpc,
        vpcSubnets: props.vpcSubnets,
        name: props.sharedCacheName ?? sharedCacheName(Names.uniqueResourceName(this, { maxLength: 26, separator: '-' }).toLowerCase()),
        encryptionKey: props.encryptionKey,
      });
    }
    const context: NextjsContext = {
      options: props,
      port,
      server,
      keepAliveTimeout: this.keepAliveTimeout,
      siteUrl: props.siteUrl,
      publicGraphqlUrl: props.publicGraphqlUrl,
      hasura,
      nextAuthSecret: this.nextAuthSecret,
      sharedCache: this.sharedCache,
      invalidatedDistribution: props.invalidatedDistribution,
    };
    const parts = this._createService({
      prefix: 'nextjs',
      containerName: 'nextjs',
      containerPort: port,
      image: props.image,
      options: props,
      props: { ...props, serviceConnectNamespace: props.serviceConnectNamespace ?? hasura?.serviceConnectNamespace },
      environment: resolveManaged(NEXTJS_ENVIRONMENT, context),
      secrets: resolveManaged(NEXTJS_SECRETS, context),
      command: server === NextjsServer.NEXT_START ? nextStartCommand(port, this.keepAliveTimeout) : undefined,
      defaultStopTimeout: Duration.seconds(30),
      healthCheck: props.containerHealthCheck ? nodeHealthCheck(port, this.healthCheckPath) : undefined,
      fargateSpot: props.fargateSpot,
      serviceConnectName: NEXTJS_SERVICE_CONNECT_NAME,
      sidecars: props.tracing ? [traceCollector(props.tracing)] : undefined,
    });
    if (parts.serviceConnectNamespace) {
      this.internalUrl = nextjsInternalUrl(port);
    }
    this.sharedCache?.connections.allowDefaultPortFrom(this, 'The shared cache from the Next.js tasks');
    if (props.invalidatedDistribution) {
      props.invalidatedDistribution.grantCreateInvalidation(this.taskDefinition.taskRole);
      acknowledge(this.taskDefinition.taskRole, 'aws-cdk-lib grants the task role cloudfront:CreateInvalidation on this'
        + ' distribution only, in the role\'s inline default policy.', ...nistAndHipaa('IAMNoInlinePolicy'));
    }
    if (hasura) {
      this.connectWithHasura(hasura);
    }
  }

  /**
   * Opens both directions between the app and Hasura, and orders their deployment so that each side's
   * Service Connect proxy knows the other's endpoint.
   */
  private connectWithHasura(hasura: HasuraService): void {
    hasura.allowConnectionsFrom(this, 'Hasura API from the Next.js tasks, through Service Connect');
    // A Service Connect client resolves only the endpoints that existed when its task started (Amazon ECS
    // Developer Guide, "Service Connect components"): Next.js starts after Hasura's endpoint exists.
    this.service.node.addDependency(hasura.service);
    if (hasura.nextjsInternalUrl === undefined) {
      return;
    }
    if (hasura.nextjsInternalUrl !== this.internalUrl) {
      invalid('nextjs.hasura', hasura.node.path, `That Hasura service calls Next.js at ${hasura.nextjsInternalUrl}, but this`
        + ` service serves ${this.internalUrl ?? 'no internal URL (it joined no Service Connect namespace)'}: give the Hasura`
        + ' service the internal URL of this one (nextjsInternalUrl).');
    }
    for (const caller of hasura.callers) {
      this.allowConnectionsFrom(caller, `Next.js routes from ${caller.serviceName} tasks (actions, events, auth hook), through Service Connect`);
    }
    // The event worker is a client only: it starts after this endpoint exists.
    hasura.eventWorker?.service.node.addDependency(this.service);
    // The serving tasks started before this endpoint existed, so they cannot reach it until they are
    // replaced: once both services exist, and whenever the endpoint changes, Hasura is redeployed.
    new ServiceConnectRefresh(this, 'HasuraRefresh', {
      service: hasura.service,
      endpoint: `${NEXTJS_SERVICE_CONNECT_NAME}:${this.port}`,
      after: [this.service, hasura.service],
    });
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
