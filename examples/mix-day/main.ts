// mix.day: Next.js and Hasura behind CloudFront, with the component library on its own site.
//
// How a visit flows, from the user's request to the data:
//   1. The browser asks DNS for mix.day: Route 53 answers with alias records (A and AAAA) that point
//      at the CloudFront distribution.
//   2. CloudFront (HTTPS only, TLS 1.2+) runs the managed web ACL (CLOUDFRONT scope: rate limit per
//      client IP, IP reputation, common rules, known bad inputs), then answers `/_next/static/*`,
//      static and ISR pages and optimized images from its cache as long as Next.js allows, or forwards
//      the request through its VPC origin (GraphQL and `/api/*` always).
//   3. The internal load balancer, in private subnets, accepts HTTPS only from CloudFront; it picks a
//      healthy task: `/v1/graphql` and `/v1beta1/relay` go to Hasura, everything else to Next.js.
//   4. Next.js renders the page, or serves it from the Valkey cache that all its tasks share, and makes
//      its GraphQL queries to Hasura inside the VPC; Hasura calls Next.js back the same way.
//   5. Hasura translates GraphQL into SQL, and PostgreSQL (RDS, private, reachable only from Hasura)
//      returns the data.
// The Storybook component library is a static site at storybook.mix.day: a private S3 bucket that
// only CloudFront reads, uploaded from ./storybook-static at deploy time.
//
// The stack is in us-east-1: CloudFront's certificates and CLOUDFRONT-scope web ACLs live there, so
// one DNS-validated certificate serves CloudFront and the internal load balancer.
//
// In your own app, import from 'cdk-hasura-nextjs' instead of '../../src', look the hosted zone up
// with route53.HostedZone.fromLookup, and drop originFacingPrefixList to have it looked up by name.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { HasuraNextjsPlatform, NextjsImage, StaticSite } from '../../src';
import { exampleApp } from '../example-app';

/** The ID of com.amazonaws.global.cloudfront.origin-facing in us-east-1. */
const CLOUDFRONT_ORIGIN_FACING_US_EAST_1 = 'pl-3b927c52';

export function createStack(app: App): Stack {
  const stack = new Stack(app, 'MixDay', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
    description: 'mix.day: Next.js and Hasura behind CloudFront and WAF, Storybook on S3',
  });

  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789MIXDAY',
    zoneName: 'mix.day',
  });

  new HasuraNextjsPlatform(stack, 'Platform', {
    platformName: 'mix-day',
    network: { availabilityZones: ['us-east-1a', 'us-east-1b'] },
    domain: { domainName: 'mix.day', hostedZone },
    cdn: {
      originFacingPrefixList: ec2.PrefixList.fromPrefixListId(stack, 'CloudFrontOriginFacing', CLOUDFRONT_ORIGIN_FACING_US_EAST_1),
      // A new post reaches readers at once: the app invalidates the pages it changed.
      nextjsInvalidation: true,
    },
    webAcl: { rateLimitPerIp: 2000 },
    // No public admin surface: operators reach Hasura through ECS Exec.
    hasura: { enableExecuteCommand: true },
    nextjs: {
      // Built with the public GraphQL URL and a deployment id; in CI, also pass serverActionsKeyFile (a
      // file outside the repository) so that every build shares one Server Actions key.
      image: NextjsImage.fromDirectory(path.join(__dirname, '..', 'nextjs-app'), {
        publicGraphqlUrl: 'https://mix.day/v1/graphql',
        deploymentId: process.env.DEPLOYMENT_ID ?? 'local',
      }),
      // One cache for every task: a page rendered or revalidated on one task is what all of them serve.
      sharedCache: { maxDataStorageGb: 1 },
      // The routes Hasura and operators call, which no Hasura route may ever take.
      apiRoutes: ['/api/actions', '/api/events', '/api/revalidate', '/api/health'],
    },
    database: { multiAz: true },
    // "See if something breaks and why": alarms on the whole request path, a dashboard, and a budget.
    monitoring: { alarmEmails: ['ops@mix.day'] },
    budget: { monthlyLimitUsd: 300, emails: ['billing@mix.day'] },
  });

  new StaticSite(stack, 'Storybook', {
    domainName: 'storybook.mix.day',
    hostedZone,
    sourcePath: path.join(__dirname, 'storybook-static'),
  });
  return stack;
}

if (require.main === module) {
  createStack(exampleApp());
}
