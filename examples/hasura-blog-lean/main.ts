// The Hasura Blog at the lowest cost that still survives the loss of an Availability Zone:
// - a Multi-AZ database (db.t4g.micro on Graviton): RDS fails over to the standby in the other zone;
// - two tasks per service, which ECS spreads over both zones, on Graviton (ARM64, about 20% cheaper);
//   Next.js at 0.25 vCPU / 0.5 GB, Hasura at 0.5 vCPU / 1 GB;
// - egress through one NAT instance per zone (t4g.nano, about $3 a month each) instead of NAT gateways
//   ($33 each): a few Gbit/s at most, recovered onto new hardware by an alarm if its host fails;
// - Container Insights off: no running-task alarm, and about $16 a month less; the other alarms stay;
// - alarms on, the dashboard off ($3).
// What it gives up against hasura-blog-https: autoscaling, a larger database class, the console, the
// dashboard and backups copied to another region. The README's cost table shows the model's figure.
//
// In your own app, import from 'cdk-hasura-nextjs' instead of '../../src', and look the hosted zone
// up with route53.HostedZone.fromLookup.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { HasuraNextjsPlatform } from '../../src';
import { exampleApp } from '../example-app';

export function createStack(app: App): Stack {
  const stack = new Stack(app, 'HasuraBlogLean', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
    description: 'Hasura Blog, highly available at the lowest cost',
  });

  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });

  new HasuraNextjsPlatform(stack, 'Platform', {
    platformName: 'hasura-blog-lean',
    network: {
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      natInstanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
    },
    domain: { domainName: 'blog.example.com', hostedZone },
    containerInsights: false,
    hasura: {
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
      desiredCount: 2,
    },
    nextjs: {
      image: ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'nextjs-app'), { platform: Platform.LINUX_ARM64 }),
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
      cpu: 256,
      memoryLimitMiB: 512,
      desiredCount: 2,
    },
    database: {
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      multiAz: true,
    },
    monitoring: { alarmEmails: ['ops@example.com'], dashboard: false },
  });
  return stack;
}

if (require.main === module) {
  createStack(exampleApp());
}
