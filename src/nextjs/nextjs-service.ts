import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { NEXTJS_PORT, validateNextjsOptions } from './nextjs-checks';
import { NextjsOptions } from './nextjs-options';
import { generatedSecret, RANDOM_TOKEN } from '../private/generated-secret';
import { createContainerService } from '../services/container-service';
import { ContainerServiceProps } from '../services/service-options';

/** Props of {@link NextjsService}. */
export interface NextjsServiceProps extends NextjsOptions, ContainerServiceProps {
  /**
   * Public URL of the site (`NEXTAUTH_URL`), e.g. `https://example.com`.
   *
   * @default - not set
   */
  readonly siteUrl?: string;
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

  constructor(scope: Construct, id: string, props: NextjsServiceProps) {
    super(scope, id);
    validateNextjsOptions(props, 'nextjs');
    this.port = props.containerPort ?? NEXTJS_PORT;
    this.healthCheckPath = props.healthCheckPath ?? '/';

    this.nextAuthSecret = props.nextAuthSecret ?? generatedSecret(this, 'NextAuthSecret',
      'NextAuth secret (NEXTAUTH_SECRET)', RANDOM_TOKEN, props.encryptionKey);

    const parts = createContainerService(this, {
      prefix: 'nextjs',
      containerName: 'nextjs',
      containerPort: this.port,
      image: props.image,
      options: props,
      props,
      environment: {
        NODE_ENV: 'production',
        HOSTNAME: '0.0.0.0',
        PORT: String(this.port),
        ...(props.siteUrl ? { NEXTAUTH_URL: props.siteUrl } : {}),
      },
      secrets: {
        NEXTAUTH_SECRET: ecs.Secret.fromSecretsManager(this.nextAuthSecret),
      },
    });
    this.service = parts.service;
    this.taskDefinition = parts.taskDefinition;
    this.container = parts.container;
    this.logGroup = parts.logGroup;
    this.securityGroup = parts.securityGroup;
    this.connections = parts.service.connections;
  }
}
