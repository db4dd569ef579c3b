import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { NEXTJS_PORT, validateNextjsOptions } from './nextjs-checks';
import { NextjsOptions } from './nextjs-options';
import { HasuraService } from '../hasura/hasura-service';
import { generatedSecret, RANDOM_TOKEN } from '../private/generated-secret';
import { checkDurationSeconds, invalid } from '../private/validation';
import { createContainerService } from '../services/container-service';
import { ContainerServiceProps, ServiceAutoScalingOptions } from '../services/service-options';

/** Props of {@link NextjsService}. */
export interface NextjsServiceProps extends NextjsOptions, ContainerServiceProps {
  /**
   * Public URL of the site (`NEXTAUTH_URL`), e.g. `https://example.com`.
   *
   * @default - not set
   */
  readonly siteUrl?: string;

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
export class NextjsService extends Construct implements ec2.IConnectable {
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The Next.js container. */
  public readonly container: ecs.ContainerDefinition;
  /** The container log group. */
  public readonly logGroup: logs.LogGroup;
  /** The tasks' security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Network access to the tasks. */
  public readonly connections: ec2.Connections;
  /** The NextAuth secret. */
  public readonly nextAuthSecret: secretsmanager.ISecret;
  /** The port the container listens on. */
  public readonly port: number;
  /** The path the load balancer checks. */
  public readonly healthCheckPath: string;
  /** How long the server keeps idle connections open. */
  public readonly keepAliveTimeout: Duration;
  /** Task-count autoscaling, when `autoScaling` is set. */
  public readonly scalableTaskCount?: ecs.ScalableTaskCount;
  /** The autoscaling settings, when set. */
  public readonly autoScaling?: ServiceAutoScalingOptions;

  constructor(scope: Construct, id: string, props: NextjsServiceProps) {
    super(scope, id);
    validateNextjsOptions(props, 'nextjs');
    this.port = props.containerPort ?? NEXTJS_PORT;
    this.healthCheckPath = props.healthCheckPath ?? '/';
    checkDurationSeconds('nextjs.keepAliveTimeout', props.keepAliveTimeout, 1, 4100);
    this.keepAliveTimeout = props.keepAliveTimeout ?? Duration.seconds(65);
    const hasura = props.hasura;
    if (hasura && !hasura.internalGraphqlUrl) {
      invalid('nextjs.hasura', hasura.node.path, 'That Hasura service joined no Service Connect namespace, so there is'
        + ' no inside path to it: give its cluster a default Cloud Map namespace with useForServiceConnect, or pass'
        + ' serviceConnectNamespace to both services.');
    }

    this.nextAuthSecret = props.nextAuthSecret ?? generatedSecret(this, 'NextAuthSecret',
      'NextAuth secret (NEXTAUTH_SECRET)', RANDOM_TOKEN, props.encryptionKey);

    const parts = createContainerService(this, {
      prefix: 'nextjs',
      containerName: 'nextjs',
      containerPort: this.port,
      image: props.image,
      options: props,
      props: { ...props, serviceConnectNamespace: props.serviceConnectNamespace ?? hasura?.serviceConnectNamespace },
      environment: {
        NODE_ENV: 'production',
        HOSTNAME: '0.0.0.0',
        PORT: String(this.port),
        KEEP_ALIVE_TIMEOUT: String(this.keepAliveTimeout.toMilliseconds()),
        ...(props.siteUrl ? { NEXTAUTH_URL: props.siteUrl } : {}),
        ...(hasura?.internalGraphqlUrl ? { HASURA_GRAPHQL_INTERNAL_URL: hasura.internalGraphqlUrl } : {}),
      },
      secrets: {
        NEXTAUTH_SECRET: ecs.Secret.fromSecretsManager(this.nextAuthSecret),
      },
      defaultStopTimeout: Duration.seconds(30),
      healthCheck: props.containerHealthCheck ? nodeHealthCheck(this.port, this.healthCheckPath) : undefined,
      fargateSpot: props.fargateSpot,
    });
    this.service = parts.service;
    this.taskDefinition = parts.taskDefinition;
    this.container = parts.container;
    this.logGroup = parts.logGroup;
    this.securityGroup = parts.securityGroup;
    this.connections = parts.service.connections;
    this.scalableTaskCount = parts.scalableTaskCount;
    this.autoScaling = props.autoScaling;
    if (hasura) {
      hasura.allowConnectionsFrom(this, 'Hasura API from the Next.js tasks, through Service Connect');
      // Service Connect clients resolve only endpoints that existed when they started.
      this.service.node.addDependency(hasura.service);
    }
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
