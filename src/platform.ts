import { Annotations, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { ConnectionBudget, DatabaseDemand, planConnectionBudget } from './database/connection-budget';
import { PlatformDatabase } from './database/database';
import { resolveMaxConnections, validateDatabaseOptions } from './database/database-checks';
import { PlatformDatabaseOptions } from './database/database-options';
import { PlatformCdn } from './edge/cdn';
import { validateCdnOptions } from './edge/cdn-checks';
import { PlatformCdnOptions } from './edge/cdn-options';
import { PlatformLoadBalancer } from './edge/load-balancer';
import { RESTIFIED_PATH_PATTERN, validateDomainOptions, validateLoadBalancerOptions } from './edge/load-balancer-checks';
import { PlatformDomainOptions, PlatformLoadBalancerOptions } from './edge/load-balancer-options';
import { PlatformWebAcl } from './edge/web-acl';
import { checkCloudFrontRegion, validateWebAclOptions } from './edge/web-acl-checks';
import { PlatformWebAclOptions, WebAclScope } from './edge/web-acl-options';
import { validateHasuraOptions } from './hasura/hasura-checks';
import { HasuraOptions } from './hasura/hasura-options';
import { HasuraService } from './hasura/hasura-service';
import { hasuraDatabaseDemands } from './hasura/pool-budget';
import { PlatformNetwork } from './network/network';
import { PlatformNetworkOptions } from './network/network-options';
import { planNetwork } from './network/network-plan';
import { validateNextjsOptions } from './nextjs/nextjs-checks';
import { DEFAULT_HEALTH_CHECK_PATH, NEXTJS_PORT, nextjsInternalUrl } from './nextjs/nextjs-environment';
import { NextjsOptions } from './nextjs/nextjs-options';
import { NextjsService } from './nextjs/nextjs-service';
import { sharedCacheName } from './nextjs/shared-cache';
import { PlatformBackup } from './operations/backup';
import { validateBackupOptions } from './operations/backup-checks';
import { PlatformBackupOptions } from './operations/backup-options';
import { PlatformBudget } from './operations/budget';
import { validateBudgetOptions } from './operations/budget-checks';
import { PlatformBudgetOptions } from './operations/budget-options';
import { PlatformCostModel } from './operations/cost-model';
import { CostEstimate } from './operations/cost-model-options';
import { DeletionProtectionAfterCreation } from './operations/deletion-protection';
import { PlatformMonitoring } from './operations/monitoring';
import { validateMonitoringOptions } from './operations/monitoring-checks';
import { PlatformMonitoringOptions } from './operations/monitoring-options';
import { acknowledge } from './private/acknowledge';
import { logsEncryptionKey } from './private/logs-key';
import { invalid } from './private/validation';
import { PlatformService } from './services/platform-service';

/** Props of `HasuraNextjsPlatform`. */
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
   * Put CloudFront in front: the load balancer becomes internal (private subnets, HTTPS only from
   * CloudFront's VPC origin, no security group rule open to the internet) and the domain's alias
   * records point at the distribution. Requires `domain`; the Hasura console listener is not
   * available (use ECS Exec). Turning it on for a deployed platform replaces the load balancer and
   * its listeners (a new, internal one), not the database.
   *
   * @default - no CDN: the load balancer faces the internet
   */
  readonly cdn?: PlatformCdnOptions;

  /**
   * A managed WAF web ACL on the entry point: CLOUDFRONT scope on the distribution with `cdn` (the
   * stack must then be in us-east-1), REGIONAL scope on the load balancer without. To attach a web
   * ACL of your own instead, leave this unset and use `loadBalancer.webAclArn` or `cdn.webAclArn`.
   *
   * @default - no managed web ACL
   */
  readonly webAcl?: PlatformWebAclOptions;

  /**
   * How long container logs are kept.
   *
   * @default logs.RetentionDays.ONE_WEEK
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Publish Container Insights metrics (task counts, CPU and memory per task) for the cluster. They are
   * billed as custom metrics, 26 per service (about $7.80 a month each); without them there is no
   * running-task alarm, and the other alarms still watch the services.
   *
   * @default true
   */
  readonly containerInsights?: boolean;

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
  /** Every service of the platform, in the order they were created; monitoring and the dashboard walk it. */
  public readonly services: PlatformService[];
  /** How the database's connections are shared among the services that use it. */
  public readonly connectionBudget: ConnectionBudget;
  /** The Hasura target group. */
  public readonly hasuraTargetGroup: elbv2.ApplicationTargetGroup;
  /** The Next.js target group. */
  public readonly nextjsTargetGroup: elbv2.ApplicationTargetGroup;
  /** The CloudFront distribution in front of the load balancer, when `cdn` is set. */
  public readonly cdn?: PlatformCdn;
  /** The managed web ACL, when `webAcl` is set. */
  public readonly webAcl?: PlatformWebAcl;
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

  constructor(scope: Construct, id: string, props: HasuraNextjsPlatformProps) {
    super(scope, id);
    validatePlatformProps(this, props);

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

    this.cluster = this.createCluster(props, encryptionKey);

    this.database = new PlatformDatabase(this, 'Database', { ...props.database, vpc: this.vpc, encryptionKey });

    // The edge, part 1: the web ACL goes on the distribution with a CDN, on the load balancer without.
    if (props.webAcl) {
      this.webAcl = new PlatformWebAcl(this, 'WebAcl', {
        ...props.webAcl,
        webAclScope: props.cdn ? WebAclScope.CLOUDFRONT : WebAclScope.REGIONAL,
        webAclName: this.platformName,
        encryptionKey,
      });
    }
    const regionalWebAclArn = props.cdn ? undefined : this.webAcl?.webAclArn;

    this.ingress = new PlatformLoadBalancer(this, 'LoadBalancer', {
      ...props.loadBalancer,
      vpc: this.vpc,
      domain: props.domain,
      behindCloudFront: props.cdn !== undefined,
      webAclArn: props.loadBalancer?.webAclArn ?? regionalWebAclArn,
    });
    this.loadBalancer = this.ingress.loadBalancer;
    this.siteUrl = this.ingress.siteUrl;
    this.graphqlUrl = `${this.siteUrl}/v1/graphql`;

    // The edge, part 2: CloudFront in front of the internal load balancer, through a VPC origin. Created
    // before the services, so that Next.js may be given the distribution to invalidate.
    if (props.cdn && props.domain) {
      const inUsEast1 = Stack.of(this).region === 'us-east-1';
      this.cdn = new PlatformCdn(this, 'Cdn', {
        ...props.cdn,
        // In us-east-1 one certificate serves both CloudFront and the load balancer.
        certificate: props.cdn.certificate ?? (inUsEast1 ? this.ingress.certificate : undefined),
        webAclArn: props.cdn.webAclArn ?? this.webAcl?.webAclArn,
        // The load balancer answers 504 once a response stays idle for its idle timeout: wait a little longer.
        originReadTimeoutSeconds: props.cdn.originReadTimeoutSeconds ?? this.ingress.idleTimeout.toSeconds() + 5,
        loadBalancer: this.loadBalancer,
        domainName: props.domain.domainName,
        hostedZone: props.domain.hostedZone,
      });
    }
    this.connectionBudget = planConnectionBudget(databaseDemands(props), this.database.maxConnections,
      { prop: 'hasura.connectionPoolSize', value: props.hasura?.connectionPoolSize }, 'database');
    this.hasura = new HasuraService(this, 'Hasura', {
      ...props.hasura,
      cluster: this.cluster,
      database: this.database,
      connectionBudget: this.connectionBudget,
      corsDomains: [this.siteUrl],
      // Next.js joins the cluster's Service Connect namespace under this URL: Hasura calls it inside the VPC.
      nextjsInternalUrl: nextjsInternalUrl(props.nextjs.containerPort ?? NEXTJS_PORT),
      requestTimeout: this.ingress.idleTimeout,
      logGroupName: `/ecs/${this.platformName}/hasura`,
      logRetention: props.logRetention,
      encryptionKey,
    });

    this.nextjs = new NextjsService(this, 'Nextjs', {
      ...props.nextjs,
      // Traces carry the platform's name, so the X-Ray trace map tells platforms in one account apart.
      tracing: props.nextjs.tracing && { ...props.nextjs.tracing, serviceName: props.nextjs.tracing.serviceName ?? `${this.platformName}-nextjs` },
      cluster: this.cluster,
      siteUrl: this.siteUrl,
      publicGraphqlUrl: this.graphqlUrl,
      hasura: this.hasura,
      keepAliveTimeout: this.ingress.idleTimeout.plus(Duration.seconds(5)),
      sharedCacheName: sharedCacheName(this.platformName),
      invalidatedDistribution: props.cdn?.nextjsInvalidation ? this.cdn?.distribution : undefined,
      logGroupName: `/ecs/${this.platformName}/nextjs`,
      logRetention: props.logRetention,
      encryptionKey,
    });
    this.services = [...this.hasura.callers, this.nextjs];
    warnOfVersionSkew(this, this.nextjs, props.cdn);

    if (props.hasura?.enableExecuteCommand) {
      this.acknowledgeExecLogGrant();
    }

    this.nextjsTargetGroup = this.ingress.addNextjsService(this.nextjs);
    this.hasuraTargetGroup = this.ingress.addHasuraService(this.hasura);
    // Protected once created, so that a failed first deploy rolls back cleanly and can be retried.
    new DeletionProtectionAfterCreation(this, 'DeletionProtection', {
      platformName: this.platformName,
      database: this.database.instance,
      protectDatabase: props.database?.deletionProtection ?? true,
      loadBalancer: this.loadBalancer,
      protectLoadBalancer: props.loadBalancer?.deletionProtection ?? true,
    });

    // Day-two operations: alarms and dashboard, budget, backups. Each only when asked for.
    if (props.monitoring) {
      this.monitoring = new PlatformMonitoring(this, 'Monitoring', {
        ...props.monitoring,
        platformName: this.platformName,
        encryptionKey,
        loadBalancer: this.loadBalancer,
        services: this.services.map((service) => ({
          displayName: service.serviceName,
          service: service.service,
          targetGroup: service.targetGroup,
          minimumTasks: service.minimumTasks,
          containerInsights: props.containerInsights ?? true,
        })),
        hasuraLogGroup: this.hasura.logGroup,
        database: {
          instance: this.database.instance,
          instanceType: this.database.instanceType,
          allocatedStorageGiB: this.database.allocatedStorageGiB,
          maxAllocatedStorageGiB: this.database.maxAllocatedStorageGiB,
          maxConnections: this.database.maxConnections,
        },
        distribution: this.cdn?.distribution,
        webAcl: this.webAcl && { webAclName: this.webAcl.webAclName, webAclScope: this.webAcl.webAclScope },
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
      this.backup = new PlatformBackup(this, 'Backup', {
        ...props.backup,
        platformName: this.platformName,
        database: this.database.instance,
        encryptionKey,
        topic: this.monitoring?.topic,
      });
    }
  }

  /**
   * The modeled monthly cost of this platform as configured, line by line, at us-east-1 list prices.
   * Usage-driven lines rest on the model's stated assumptions; see `PlatformCostModel`.
   */
  public costEstimate(): CostEstimate {
    return PlatformCostModel.estimate(PlatformCostModel.inventory(this));
  }

  /** The cluster both services run in, with the Service Connect namespace they meet in. */
  private createCluster(props: HasuraNextjsPlatformProps, encryptionKey: kms.IKey): ecs.Cluster {
    const containerInsights = props.containerInsights ?? true;
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: containerInsights ? ecs.ContainerInsights.ENABLED : ecs.ContainerInsights.DISABLED,
      enableFargateCapacityProviders: true,
      executeCommandConfiguration: props.hasura?.enableExecuteCommand
        ? this.executeCommandConfiguration(encryptionKey, props.logRetention) : undefined,
    });
    if (!containerInsights) {
      acknowledge(cluster, 'Container Insights was turned off explicitly (containerInsights is false) to save its'
        + ' custom metrics; the load balancer, target and resource alarms still watch every service.', 'AwsSolutions-ECS4');
    }
    // Next.js reaches Hasura inside the VPC through ECS Service Connect. An HTTP namespace needs no
    // private hosted zone; Service Connect resolves names in each task's own proxy.
    cluster.addDefaultCloudMapNamespace({
      name: `${this.platformName}.internal`,
      type: servicediscovery.NamespaceType.HTTP,
      useForServiceConnect: true,
    });
    return cluster;
  }

  /** aws-cdk-lib lets the Hasura tasks write ECS Exec session logs to any stream of the exec log group. */
  private acknowledgeExecLogGrant(): void {
    const stack = Stack.of(this);
    const logGroup = this.node.findChild('ExecLogGroup') as logs.LogGroup;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const logicalId = stack.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup);
    acknowledge(this.hasura.taskDefinition.taskRole, 'ECS Exec writes each session to a new stream of the'
      + ' platform\'s exec log group; stream names are chosen per session, so the grant names the group\'s streams by wildcard.',
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:<AWS::AccountId>:log-group:<${logicalId}>:*]`);
  }

  /** ECS Exec sessions encrypted with the platform key and logged to a group of their own. */
  private executeCommandConfiguration(encryptionKey: kms.IKey, retention?: logs.RetentionDays): ecs.ExecuteCommandConfiguration {
    const logGroup = new logs.LogGroup(this, 'ExecLogGroup', {
      logGroupName: `/ecs/${this.platformName}/exec`,
      retention: retention ?? logs.RetentionDays.ONE_WEEK,
      encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    return {
      kmsKey: encryptionKey,
      logging: ecs.ExecuteCommandLogging.OVERRIDE,
      logConfiguration: { cloudWatchLogGroup: logGroup, cloudWatchEncryptionEnabled: true },
    };
  }

  /** The platform's own key for its log groups, secrets and database storage. */
  private createEncryptionKey(): kms.Key {
    return logsEncryptionKey(this, 'EncryptionKey', `${this.platformName}: encrypts the platform's log groups and secrets`);
  }
}

/** Every client of the database among the platform's services, from their options. */
function databaseDemands(props: HasuraNextjsPlatformProps): DatabaseDemand[] {
  return hasuraDatabaseDemands(props.hasura ?? {}, 'hasura');
}

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
  planConnectionBudget(databaseDemands(props), resolveMaxConnections(props.database ?? {}, 'database'),
    { prop: 'hasura.connectionPoolSize', value: props.hasura?.connectionPoolSize }, 'database');
  validateNextjsOptions(props.nextjs, 'nextjs');
  const hasuraConsole = props.hasura?.console;
  if (hasuraConsole && props.domain === undefined && !hasuraConsole.insecureAllowPlainHttp) {
    invalid('hasura.console', hasuraConsole.allowedCidrs, 'Without a domain there is no certificate, and the console would send'
      + ' the admin secret and metadata over plain HTTP: set domain, or set hasura.console.insecureAllowPlainHttp to true.');
  }
  if (props.nextjs.exposeJwtSigningKey && props.hasura?.jwt && props.hasura.jwt.signingKeyField === undefined) {
    invalid('nextjs.exposeJwtSigningKey', true, 'hasura.jwt names no signingKeyField, so there is no signing key to give Next.js.');
  }
  if (props.nextjs.exposeJwtSigningKey && props.hasura?.authHook) {
    invalid('nextjs.exposeJwtSigningKey', true, 'With hasura.authHook, Hasura verifies no JWTs, so there is no signing key to give Next.js.');
  }
  if (props.hasura?.restifiedEndpoints) {
    checkRoutesStayWithNextjs(props.nextjs);
  }
  validateLoadBalancerOptions(props.loadBalancer ?? {}, 'loadBalancer');
  validateDomainOptions(props.domain, 'domain');
  validateMonitoringOptions(props.monitoring ?? {}, 'monitoring');
  if (props.budget) {
    validateBudgetOptions(props.budget, 'budget', props.monitoring !== undefined);
  }
  if (props.backup) {
    validateBackupOptions(props.backup, 'backup', Stack.of(scope));
  }
  validateEdgeProps(Stack.of(scope), props);
}

/**
 * Warns when a rolling deploy can serve a page of one build that asks for static files only the other
 * build's tasks have: several tasks, and no store that keeps every build's `/_next/static` files.
 */
function warnOfVersionSkew(scope: Construct, nextjs: NextjsService, cdn: PlatformCdnOptions | undefined): void {
  if (nextjs.maximumTasks > 1 && cdn?.nextStaticAssetsPath === undefined) {
    Annotations.of(scope).addWarningV2('cdk-hasura-nextjs:versionSkew', `Next.js runs up to ${nextjs.maximumTasks} tasks,`
      + ' and no store keeps earlier builds\' /_next/static files: during a rolling deploy, a page of one build can ask'
      + ' a task of the other build for a chunk it does not have (404). Serve them from a bucket that keeps every build:'
      + ` ${cdn ? '' : 'set cdn and '}set cdn.nextStaticAssetsPath to the build's .next/static folder (and build with a deploymentId).`);
  }
}

/** With RESTified endpoints routed to Hasura, no route that the app names as its own may fall under them. */
function checkRoutesStayWithNextjs(nextjs: NextjsOptions): void {
  const hasuraPrefix = RESTIFIED_PATH_PATTERN.replace(/\*$/, '');
  const taken = (route: string) => `${route.replace(/\/+$/, '')}/`.startsWith(hasuraPrefix);
  for (const route of nextjs.apiRoutes ?? []) {
    if (Token.isUnresolved(route) || !route.startsWith('/')) {
      invalid('nextjs.apiRoutes', route, 'List path prefixes of the app that start with "/", e.g. "/api/auth".');
    }
    if (taken(route)) {
      invalid('nextjs.apiRoutes', route, `hasura.restifiedEndpoints routes ${RESTIFIED_PATH_PATTERN} to Hasura, which would take`
        + ' this route of the app: move the route, or leave hasura.restifiedEndpoints off.');
    }
  }
  const healthCheckPath = nextjs.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;
  if (!Token.isUnresolved(healthCheckPath) && taken(healthCheckPath)) {
    invalid('nextjs.healthCheckPath', healthCheckPath, `hasura.restifiedEndpoints routes ${RESTIFIED_PATH_PATTERN} to Hasura,`
      + ' so the load balancer would check Hasura instead of Next.js: use a path outside it.');
  }
}

/** Checks the CDN and web ACL props against each other and the rest. */
function validateEdgeProps(stack: Stack, props: HasuraNextjsPlatformProps): void {
  const cdn = props.cdn;
  if (cdn) {
    if (props.domain === undefined) {
      invalid('cdn', Object.keys(cdn), 'CloudFront serves the site over HTTPS on a custom domain: set domain too.');
    }
    if (props.hasura?.console) {
      invalid('hasura.console', props.hasura.console.allowedCidrs, 'With cdn set, the load balancer is internal and opens'
        + ' nothing to the internet: unset hasura.console (reach the console through ECS Exec) or unset cdn.');
    }
    const inUsEast1 = stack.region === 'us-east-1';
    validateCdnOptions({ ...cdn, certificate: cdn.certificate ?? (inUsEast1 ? props.domain.certificate : undefined) }, stack, 'cdn');
  }
  const webAcl = props.webAcl;
  if (webAcl) {
    validateWebAclOptions(webAcl, 'webAcl');
    if (cdn) {
      checkCloudFrontRegion(WebAclScope.CLOUDFRONT, stack.region, 'webAcl');
      if (cdn.webAclArn !== undefined) {
        invalid('cdn.webAclArn', cdn.webAclArn, 'webAcl creates the distribution\'s web ACL: set one of webAcl and cdn.webAclArn.');
      }
    } else if (props.loadBalancer?.webAclArn !== undefined) {
      invalid('loadBalancer.webAclArn', props.loadBalancer.webAclArn,
        'webAcl creates the load balancer\'s web ACL: set one of webAcl and loadBalancer.webAclArn.');
    }
  }
}
