// The recommended production setup: the Hasura Blog topology served over HTTPS on a custom domain
// (DNS-validated certificate, HTTP redirected to HTTPS, alias record in Route 53), with a Multi-AZ
// database, the console reachable only from the operators' network over TLS, a WAF web ACL, alarms
// on every part of the request path with a dashboard, a monthly budget, and daily backups copied to
// a vault in us-west-2, which a second stack of this app holds (deployed first).
// Both services autoscale on Graviton (ARM64): Hasura between 2 and 4 tasks, Next.js between 2 and 8
// (CPU, memory and requests per task). An event worker delivers the blog's event triggers, so the
// serving tasks do not poll for them; the allow-list serves only the operations the app sends, and
// anonymous visitors get the `public` role. db.t4g.small gives the database 168 connections, so each
// Hasura task gets a pool of 8 even when 8 serving and 2 worker tasks run during a deploy.
// Next.js sends 5% of its traces to X-Ray through a collector beside it in each task (the app
// instruments itself in instrumentation.ts), the monitoring also reads Hasura's own logs (GraphQL
// errors, slow operations), and the database has Performance Insights with its free 7 days.
//
// In your own app, import from 'cdk-hasura-nextjs' instead of '../../src', and look the hosted zone
// up with route53.HostedZone.fromLookup.
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { HasuraNextjsPlatform, HasuraProject, PlatformRecoveryRegion } from '../../src';
import { exampleApp } from '../example-app';

export function createStack(app: App): Stack {
  const stack = new Stack(app, 'HasuraBlogHttps', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
    description: 'Hasura Blog over HTTPS on a custom domain',
  });
  // The recovery region: the vault the daily backups are copied into, with its own key.
  const recovery = new Stack(app, 'HasuraBlogHttpsRecovery', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-west-2' },
    description: 'Hasura Blog: what a recovery in us-west-2 starts from',
  });
  new PlatformRecoveryRegion(recovery, 'Recovery', { platformName: 'hasura-blog', primaryRegion: 'us-east-1' });
  stack.addStackDependency(recovery);

  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });

  new HasuraNextjsPlatform(stack, 'Platform', {
    platformName: 'hasura-blog',
    network: { availabilityZones: ['us-east-1a', 'us-east-1b'] },
    domain: { domainName: 'blog.example.com', hostedZone },
    loadBalancer: {
      webAclArn: 'arn:aws:wafv2:us-east-1:111122223333:regional/webacl/hasura-blog/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    },
    hasura: {
      // The blog's tables, relationships and permissions, applied on every deploy that changes them.
      project: HasuraProject.fromDirectory(path.join(__dirname, '..', 'hasura-project')),
      console: { allowedCidrs: ['203.0.113.0/24'] },
      enableExecuteCommand: true,
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
      autoScaling: { minTasks: 2, maxTasks: 4 },
      eventWorker: { desiredCount: 1 },
      allowList: true,
      unauthorizedRole: 'public',
    },
    nextjs: {
      // Built for the tasks' architecture.
      image: ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'nextjs-app'), { platform: Platform.LINUX_ARM64 }),
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
    budget: { monthlyLimitUsd: 300, emails: ['billing@example.com'] },
    backup: {
      retention: Duration.days(35),
      copyToRegion: 'us-west-2',
    },
  });
  return stack;
}

if (require.main === module) {
  createStack(exampleApp());
}
