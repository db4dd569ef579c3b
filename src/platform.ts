import { ArnFormat, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PlatformDatabase } from './database/database';
import { validateDatabaseOptions } from './database/database-checks';
import { PlatformDatabaseOptions } from './database/database-options';
import { PlatformLoadBalancer } from './edge/load-balancer';
import { validateDomainOptions, validateLoadBalancerOptions } from './edge/load-balancer-checks';
import { PlatformDomainOptions, PlatformLoadBalancerOptions } from './edge/load-balancer-options';
import { validateHasuraOptions } from './hasura/hasura-checks';
import { HasuraOptions } from './hasura/hasura-options';
import { HasuraService } from './hasura/hasura-service';
import { PlatformNetwork } from './network/network';
import { PlatformNetworkOptions } from './network/network-options';
import { planNetwork } from './network/network-plan';
import { validateNextjsOptions } from './nextjs/nextjs-checks';
import { NextjsOptions } from './nextjs/nextjs-options';
import { NextjsService } from './nextjs/nextjs-service';
import { PlatformBackup } from './operations/backup';
import { validateBackupOptions } from './operations/backup-checks';
import { PlatformBackupOptions } from './operations/backup-options';
import { PlatformBudget } from './operations/budget';
import { validateBudgetOptions } from './operations/budget-checks';
import { PlatformBudgetOptions } from './operations/budget-options';
import { PlatformCostModel } from './operations/cost-model';
import { CostEstimate } from './operations/cost-model-options';
import { PlatformMonitoring } from './operations/monitoring';
import { validateMonitoringOptions } from './operations/monitoring-checks';
import { PlatformMonitoringOptions } from './operations/monitoring-options';
import { costModelPropsOf } from './operations/platform-cost';
import { DATABASE_CLASSES } from './operations/prices';
import { invalid } from './private/validation';
import { DEFAULT_TASK } from './services/container-service';

/** Props of {@link HasuraNextjsPlatform}. */
export interface HasuraNextjsPlatformProps {
  /**
   * Short name of the platform, used in log group names (`/ecs/<platformName>/hasura`): lower-case
   * letters, digits and hyphens, at most 32 characters. Changing it moves the logs to new groups.
   *
   * @default - derived from the construct path
   */
  readonly platformName?: string;

  /**
   * An existing VPC with public subnets and private subnets that have egress, to use instead of
   * creating one. `network` must be unset then.
   *
   * @default - a VPC is created from `network`
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Layout of the VPC the platform creates.
   *
   * @default - 10.0.0.0/16 over two zones, one NAT gateway per zone, the reference subnet layout
   */
  readonly network?: PlatformNetworkOptions;

  /**
   * The PostgreSQL database.
   *
   * @default - db.t3.micro, 20-40 GiB gp3, single-AZ, 7-day backups, deletion protection
   */
  readonly database?: PlatformDatabaseOptions;

  /**
   * The Hasura service.
   *
   * @default - 2 tasks of 512 CPU units and 1024 MiB, console and admin APIs off
   */
  readonly hasura?: HasuraOptions;

  /** The Next.js service; its image is required. */
  readonly nextjs: NextjsOptions;

  /**
   * The public load balancer.
   *
   * @default - deletion protection, 30-second deregistration delay, access logs kept 90 days
   */
  readonly loadBalancer?: PlatformLoadBalancerOptions;

  /**
   * Serve the site over HTTPS on a custom domain.
   *
   * @default - plain HTTP on the load balancer's DNS name (a synth-time warning says so)
   */
  readonly domain?: PlatformDomainOptions;

  /**
   * How long container logs are kept.
   *
   * @default logs.RetentionDays.ONE_WEEK
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Customer managed KMS key that encrypts the log groups, the secrets and the database storage. Set at
   * creation only: a different key replaces the database. A key you pass must let CloudWatch Logs use it.
   *
   * @default - a key with yearly rotation is created and retained
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * CloudWatch alarms on the load balancer, both services and the database, notifying an encrypted
   * SNS topic, and a dashboard.
   *
   * @default - no alarms, no dashboard
   */
  readonly monitoring?: PlatformMonitoringOptions;

  /**
   * A monthly AWS Budget with actual and forecast notifications, to e-mail and to the alarm topic
   * when `monitoring` is on.
   *
   * @default - no budget
   */
  readonly budget?: PlatformBudgetOptions;

  /**
   * Daily AWS Backup snapshots of the database into a vault encrypted with the platform key,
   * optionally copied to a vault in another region.
   *
   * @default - only the database's automated backups (`database.backupRetention`)
   */
  readonly backup?: PlatformBackupOptions;
}

const PLATFORM_NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

/**
 * Hasura GraphQL Engine and a Next.js site on AWS: a VPC over several Availability Zones with NAT
 * gateways, a public Application Load Balancer that sends Hasura's GraphQL API and `/healthz` to
 * Hasura and everything else to Next.js, both services on ECS Fargate in private subnets, RDS for
 * PostgreSQL reachable only from Hasura, every secret in Secrets Manager, and logs in CloudWatch.
 */
export class HasuraNextjsPlatform extends Construct {
  /** The platform's short name. */
  public readonly platformName: string;
  /** The key that encrypts the log groups and secrets. */
  public readonly encryptionKey: kms.IKey;
  /** The network, when the platform created the VPC. */
  public readonly network?: PlatformNetwork;
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The ECS cluster both services run in. */
  public readonly cluster: ecs.Cluster;
  /** The PostgreSQL database. */
  public readonly database: PlatformDatabase;
  /** The load balancer, its listeners and target groups. */
  public readonly ingress: PlatformLoadBalancer;
  /** The Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The Hasura service. */
  public readonly hasura: HasuraService;
  /** The Next.js service. */
  public readonly nextjs: NextjsService;
  /** The Hasura target group. */
  public readonly hasuraTargetGroup: elbv2.ApplicationTargetGroup;
  /** The Next.js target group. */
  public readonly nextjsTargetGroup: elbv2.ApplicationTargetGroup;
  /** The site's public origin, e.g. `https://blog.example.com`. */
  public readonly siteUrl: string;
  /** The public GraphQL endpoint, `<siteUrl>/v1/graphql`. */
  public readonly graphqlUrl: string;
  /** Alarms, their topic and the dashboard, when `monitoring` is set. */
  public readonly monitoring?: PlatformMonitoring;
  /** The monthly budget, when `budget` is set. */
  public readonly budget?: PlatformBudget;
  /** The AWS Backup plan and vault, when `backup` is set. */
  public readonly backup?: PlatformBackup;

  private readonly props: HasuraNextjsPlatformProps;

  constructor(scope: Construct, id: string, props: HasuraNextjsPlatformProps) {
    super(scope, id);
    validatePlatformProps(this, props);
    this.props = props;

    this.platformName = props.platformName
      ?? Names.uniqueResourceName(this, { maxLength: 32, separator: '-' }).toLowerCase();

    this.encryptionKey = props.encryptionKey ?? this.createEncryptionKey();
    const encryptionKey = this.encryptionKey;

    if (props.vpc) {
      this.vpc = props.vpc;
    } else {
      this.network = new PlatformNetwork(this, 'Network', { ...props.network, encryptionKey });
      this.vpc = this.network.vpc;
    }

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.database = new PlatformDatabase(this, 'Database', { ...props.database, vpc: this.vpc, encryptionKey });

    this.ingress = new PlatformLoadBalancer(this, 'LoadBalancer', {
      ...props.loadBalancer,
      vpc: this.vpc,
      domain: props.domain,
    });
    this.loadBalancer = this.ingress.loadBalancer;
    this.siteUrl = this.ingress.siteUrl;
    this.graphqlUrl = `${this.siteUrl}/v1/graphql`;

    this.hasura = new HasuraService(this, 'Hasura', {
      ...props.hasura,
      cluster: this.cluster,
      database: this.database,
      corsDomains: [this.siteUrl],
      logGroupName: `/ecs/${this.platformName}/hasura`,
      logRetention: props.logRetention,
      encryptionKey,
    });

    const signingKeyField = this.hasura.jwtSigningKeyField;
    this.nextjs = new NextjsService(this, 'Nextjs', {
      ...props.nextjs,
      cluster: this.cluster,
      siteUrl: this.siteUrl,
      logGroupName: `/ecs/${this.platformName}/nextjs`,
      logRetention: props.logRetention,
      encryptionKey,
      environment: {
        ...props.nextjs.environment,
        NEXT_PUBLIC_HASURA_GRAPHQL_URL: this.graphqlUrl,
      },
      secrets: {
        ...props.nextjs.secrets,
        HASURA_GRAPHQL_ADMIN_SECRET: ecs.Secret.fromSecretsManager(this.hasura.adminSecret),
        ...(signingKeyField ? { JWT_SECRET: ecs.Secret.fromSecretsManager(this.hasura.jwtSecret, signingKeyField) } : {}),
      },
    });

    this.nextjsTargetGroup = this.ingress.addNextjsService(this.nextjs);
    this.hasuraTargetGroup = this.ingress.addHasuraService(this.hasura);

    // Day-two operations: alarms and dashboard, budget, backups. Each only when asked for.
    if (props.monitoring) {
      this.monitoring = new PlatformMonitoring(this, 'Monitoring', {
        ...props.monitoring,
        platformName: this.platformName,
        encryptionKey,
        loadBalancer: this.loadBalancer,
        services: [
          { displayName: 'hasura', service: this.hasura.service, targetGroup: this.hasuraTargetGroup, minimumTasks: props.hasura?.desiredCount ?? DEFAULT_TASK.desiredCount },
          { displayName: 'nextjs', service: this.nextjs.service, targetGroup: this.nextjsTargetGroup, minimumTasks: props.nextjs.desiredCount ?? DEFAULT_TASK.desiredCount },
        ],
        database: {
          instance: this.database.instance,
          instanceType: props.database?.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
          maxAllocatedStorageGiB: props.database?.maxAllocatedStorageGiB ?? 40,
          maxConnections: estimatedMaxConnections(props.database?.instanceType),
        },
      });
    }
    if (props.budget) {
      this.budget = new PlatformBudget(this, 'Budget', {
        ...props.budget,
        platformName: this.platformName,
        topic: this.monitoring?.topic,
      });
    }
    if (props.backup) {
      this.backup = new PlatformBackup(this, 'Backup', { ...props.backup, database: this.database.instance, encryptionKey });
    }
  }

  /**
   * The modeled monthly cost of this platform as configured, line by line, at us-east-1 list prices.
   * Usage-driven lines rest on the model's stated assumptions; see {@link PlatformCostModel}.
   */
  public costEstimate(): CostEstimate {
    return PlatformCostModel.estimate(costModelPropsOf(this.props));
  }

  /**
   * A retained, yearly rotated key that CloudWatch Logs may use for this account's log groups, and
   * on which only AWS services may create grants.
   */
  private createEncryptionKey(): kms.Key {
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'EncryptionKey', {
      description: `${this.platformName}: encrypts the platform's log groups and secrets`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));
    return key;
  }
}

/** Variables the platform gives the Next.js service; users may not set them. */
const NEXTJS_PLATFORM_NAMES = ['NEXT_PUBLIC_HASURA_GRAPHQL_URL', 'HASURA_GRAPHQL_ADMIN_SECRET', 'JWT_SECRET'];

/** Checks every prop before anything is created, so bad input never yields a half-built tree. */
function validatePlatformProps(scope: Construct, props: HasuraNextjsPlatformProps): void {
  const name = props.platformName;
  if (name !== undefined && (Token.isUnresolved(name) || !PLATFORM_NAME.test(name))) {
    invalid('platformName', name, 'Use 1 to 32 lower-case letters, digits and hyphens, not starting or ending with a hyphen.');
  }
  if (props.vpc) {
    if (props.network !== undefined) {
      invalid('network', Object.keys(props.network), 'An existing vpc cannot be reshaped: set either vpc or network, not both.');
    }
  } else {
    planNetwork(Stack.of(scope), props.network ?? {}, 'network');
  }
  validateDatabaseOptions(props.database ?? {}, 'database');
  validateHasuraOptions(props.hasura ?? {}, 'hasura');
  validateNextjsOptions(props.nextjs, 'nextjs', NEXTJS_PLATFORM_NAMES);
  validateLoadBalancerOptions(props.loadBalancer ?? {}, 'loadBalancer');
  validateDomainOptions(props.domain, 'domain');
  validateMonitoringOptions(props.monitoring ?? {}, 'monitoring');
  if (props.budget) {
    validateBudgetOptions(props.budget, 'budget', props.monitoring !== undefined);
  }
  if (props.backup) {
    validateBackupOptions(props.backup, 'backup', Stack.of(scope));
  }
}

/**
 * PostgreSQL's max_connections on RDS for a class, `LEAST(DBInstanceClassMemory / 9531392, 5000)`,
 * with the class memory taken as 75% of nominal: RDS reserves part of it, and 1 GiB classes
 * report 81 to 87 connections, so the estimate errs low and the connection alarm early.
 */
function estimatedMaxConnections(instanceType: ec2.InstanceType | undefined): number {
  const instanceClass = (instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO)).toString();
  const memoryGiB = DATABASE_CLASSES.get(instanceClass)?.memoryGiB ?? 1;
  return Math.min(Math.floor(memoryGiB * 0.75 * 1024 ** 3 / 9531392), 5000);
}
