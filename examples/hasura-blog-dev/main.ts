// A low-cost development variant of the Hasura Blog topology: one NAT gateway, one task per service
// at the smallest Fargate size, a single-AZ database, and no deletion protection so the stack can be
// torn down (the database still leaves a final snapshot).
//
// In your own app, import from 'cdk-hasura-nextjs' instead of '../../src'.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HasuraNextjsPlatform, HasuraNextjsPlatformProps, HasuraProject } from '../../src';
import { exampleApp } from '../example-app';

/** The development settings of the platform. */
export function developmentProps(): HasuraNextjsPlatformProps {
  return {
    platformName: 'hasura-blog-dev',
    network: { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1 },
    loadBalancer: { deletionProtection: false },
    hasura: {
      cpu: 256,
      memoryLimitMiB: 512,
      desiredCount: 1,
      project: HasuraProject.fromDirectory(path.join(__dirname, '..', 'hasura-project')),
    },
    nextjs: {
      image: ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'nextjs-app')),
      cpu: 256,
      memoryLimitMiB: 512,
      desiredCount: 1,
    },
    database: { multiAz: false, deletionProtection: false },
    logRetention: logs.RetentionDays.THREE_DAYS,
  };
}

/** The development stack; `props` defaults to `developmentProps`. */
export function createStack(app: App, props: HasuraNextjsPlatformProps = developmentProps()): Stack {
  const stack = new Stack(app, 'HasuraBlogDev', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
    description: 'Hasura Blog development: low-cost single-NAT variant',
  });
  new HasuraNextjsPlatform(stack, 'Platform', props);
  return stack;
}

if (require.main === module) {
  createStack(exampleApp());
}
