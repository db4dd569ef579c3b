// The production topology of the Hasura Blog reference architecture, with every documented value:
// VPC 10.0.0.0/16 over us-east-1a and us-east-1b, public subnets 10.0.0.0/24 and 10.0.1.0/24,
// private subnets 10.0.10.0/24 and 10.0.11.0/24, two NAT gateways, a load balancer with deletion
// protection, two Hasura and two Next.js tasks of 512 CPU units and 1 GiB, PostgreSQL 15 on db.t3.micro
// with 20 GiB gp3 growing to 40 GiB, 7-day backups, and container logs kept 7 days.
//
// In your own app, import from 'cdk-hasura-nextjs' instead of '../../src'.
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { HasuraNextjsPlatform, HasuraNextjsPlatformProps } from '../../src';
import { exampleApp } from '../example-app';

/** The production settings of the platform, every documented value spelled out. */
export function productionProps(): HasuraNextjsPlatformProps {
  return {
    platformName: 'hasura-blog-prod',
    network: {
      vpcCidr: '10.0.0.0/16',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      natGateways: 2,
      publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
      privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
    },
    loadBalancer: {
      deletionProtection: true,
      deregistrationDelay: Duration.seconds(30),
    },
    hasura: {
      cpu: 512,
      memoryLimitMiB: 1024,
      desiredCount: 2,
      devMode: false,
      // The reference serves the console on :8080; here only the operators' network may reach it. The
      // reference has no domain, so the console is served over plain HTTP, asked for by name.
      console: { allowedCidrs: ['203.0.113.0/24'], insecureAllowPlainHttp: true },
    },
    nextjs: {
      image: ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'nextjs-app')),
      cpu: 512,
      memoryLimitMiB: 1024,
      desiredCount: 2,
      // The reference gives Next.js the admin secret and the JWT key; both are opt-ins.
      exposeHasuraAdminSecret: true,
      exposeJwtSigningKey: true,
    },
    database: {
      // The reference names PostgreSQL 15.4, which RDS no longer creates; 15.17 is the current 15.x.
      engineVersion: rds.PostgresEngineVersion.VER_15_17,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 40,
      multiAz: false,
      backupRetention: Duration.days(7),
      preferredBackupWindow: '03:00-04:00',
      preferredMaintenanceWindow: 'mon:04:00-mon:05:00',
    },
    logRetention: logs.RetentionDays.ONE_WEEK,
  };
}

/** The production stack; `props` defaults to `productionProps`. */
export function createStack(app: App, props: HasuraNextjsPlatformProps = productionProps()): Stack {
  const stack = new Stack(app, 'HasuraBlogProd', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
    description: 'Hasura Blog production: Hasura and Next.js on ECS Fargate, RDS PostgreSQL',
  });
  new HasuraNextjsPlatform(stack, 'Platform', props);
  return stack;
}

if (require.main === module) {
  createStack(exampleApp());
}
