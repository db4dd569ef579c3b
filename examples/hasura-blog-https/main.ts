// The recommended production setup: the Hasura Blog topology served over HTTPS on a custom domain
// (DNS-validated certificate, HTTP redirected to HTTPS, alias record in Route 53), with a Multi-AZ
// database, the console reachable only from the operators' network over TLS, a WAF web ACL, alarms
// on every part of the request path with a dashboard, a monthly budget, and disaster recovery in
// us-west-2: a second stack of this app, deployed after the platform's, keeps a read replica of the
// database, the vault the daily backups are copied into, and the platform's images.
// Both services autoscale on Graviton (ARM64): Hasura between 2 and 4 tasks, Next.js between 2 and 8
// (CPU, memory and requests per task). An event worker delivers the blog's event triggers, so the
// serving tasks do not poll for them; the allow-list serves only the operations the app sends, and
// anonymous visitors get the `public` role. db.t4g.small gives the database 168 connections, so each
// Hasura task gets a pool of 8 even when 8 serving and 2 worker tasks run during a deploy.
// Next.js sends 5% of its traces to X-Ray through a collector beside it in each task (the app
// instruments itself in instrumentation.ts), the monitoring also reads Hasura's own logs (GraphQL
// errors, slow operations), and the database has Performance Insights with its free 7 days.
//
// A failover (see the README's "Disaster recovery" runbook) deploys the same platform in us-west-2
// from a snapshot of the promoted replica: `npx cdk deploy HasuraBlogHttpsFailover -c failoverSnapshot=<snapshot ARN>`.
//
// In your own app, import from 'cdk-hasura-nextjs' instead of '../../src', and look the hosted zone
// up with route53.HostedZone.fromLookup.
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { HasuraNextjsPlatform, HasuraNextjsPlatformProps, HasuraOptions, HasuraProject, PlatformRecoveryRegion, RecoveryImage } from '../../src';
import { exampleApp } from '../example-app';

const PRIMARY_REGION = 'us-east-1';
const RECOVERY_REGION = 'us-west-2';

/** The Next.js app, built for the tasks' architecture. */
const NEXTJS_DIRECTORY = path.join(__dirname, '..', 'nextjs-app');
const NEXTJS_BUILD = { platform: Platform.LINUX_ARM64 };

/** The Hasura service: the same options wherever the platform runs, so its engine image is one asset. */
const HASURA: HasuraOptions = {
  // The blog's tables, relationships and permissions, applied on every deploy that changes them.
  project: HasuraProject.fromDirectory(path.join(__dirname, '..', 'hasura-project')),
  console: { allowedCidrs: ['203.0.113.0/24'] },
  enableExecuteCommand: true,
  cpuArchitecture: ecs.CpuArchitecture.ARM64,
  autoScaling: { minTasks: 2, maxTasks: 4 },
  eventWorker: { desiredCount: 1 },
  allowList: true,
  unauthorizedRole: 'public',
};

/** What the platform is, in either region; `scope` holds the hosted zone's reference. */
function blogPlatformProps(scope: Construct, region: string): HasuraNextjsPlatformProps {
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });
  return {
    platformName: 'hasura-blog',
    network: { availabilityZones: [`${region}a`, `${region}b`] },
    domain: { domainName: 'blog.example.com', hostedZone },
    hasura: HASURA,
    nextjs: {
      image: ecs.ContainerImage.fromAsset(NEXTJS_DIRECTORY, NEXTJS_BUILD),
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
      autoScaling: { minTasks: 2, maxTasks: 8, requestsPerTarget: 1000 },
      // The routes Hasura and operators call, which no Hasura route may ever take.
      apiRoutes: ['/api/actions', '/api/events', '/api/revalidate', '/api/health'],
      tracing: { samplingRatio: 0.05 },
    },
    database: {
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL),
      multiAz: true,
      instanceIdentifier: 'hasura-blog',
      performanceInsights: true,
    },
    monitoring: { alarmEmails: ['ops@example.com'] },
  };
}

export function createStack(app: App): Stack {
  const stack = new Stack(app, 'HasuraBlogHttps', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: PRIMARY_REGION },
    description: 'Hasura Blog over HTTPS on a custom domain',
  });
  const blog = blogPlatformProps(stack, PRIMARY_REGION);
  const platform = new HasuraNextjsPlatform(stack, 'Platform', {
    ...blog,
    loadBalancer: {
      webAclArn: 'arn:aws:wafv2:us-east-1:111122223333:regional/webacl/hasura-blog/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    },
    budget: { monthlyLimitUsd: 300, emails: ['billing@example.com'] },
    backup: {
      retention: Duration.days(35),
      copyToRegion: RECOVERY_REGION,
    },
  });

  // The recovery region: a read replica of the database, the vault the daily backups are copied into,
  // and the platform's images, published there on every deploy of this stack.
  const recovery = new Stack(app, 'HasuraBlogHttpsRecovery', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: RECOVERY_REGION },
    description: 'Hasura Blog: what a recovery in us-west-2 starts from',
  });
  new PlatformRecoveryRegion(recovery, 'Recovery', {
    platformName: 'hasura-blog',
    primaryRegion: PRIMARY_REGION,
    database: platform.database,
    replica: { availabilityZones: [`${RECOVERY_REGION}a`, `${RECOVERY_REGION}b`] },
    alarmEmails: ['ops@example.com'],
    images: [RecoveryImage.hasuraEngine(HASURA), RecoveryImage.fromAsset(NEXTJS_DIRECTORY, NEXTJS_BUILD)],
  });

  const failoverSnapshot = app.node.tryGetContext('failoverSnapshot');
  if (failoverSnapshot) {
    createFailoverStack(app, failoverSnapshot);
  }
  return stack;
}

/**
 * The platform in the recovery region, restored from a snapshot of the promoted replica: deployed only
 * during a failover. The regional web ACL, the budget (one per account) and the backup copies stay
 * with the primary until it is back.
 */
export function createFailoverStack(app: App, snapshotArn: string): Stack {
  const failover = new Stack(app, 'HasuraBlogHttpsFailover', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: RECOVERY_REGION },
    description: 'Hasura Blog in us-west-2, restored from the promoted replica',
  });
  const blog = blogPlatformProps(failover, RECOVERY_REGION);
  new HasuraNextjsPlatform(failover, 'Platform', {
    ...blog,
    database: { ...blog.database, snapshotIdentifier: snapshotArn },
    backup: { retention: Duration.days(35) },
  });
  return failover;
}

if (require.main === module) {
  createStack(exampleApp());
}
