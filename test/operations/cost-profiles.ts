import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { productionProps } from '../../examples/hasura-blog-prod/main';
import { PlatformCostModelProps } from '../../src';
import { costModelPropsOf } from '../../src/operations/platform-cost';

/**
 * The cost-optimized profile the README describes, as the model's input: hasura-blog-prod with Hasura
 * on Graviton, Next.js on the smallest size on Fargate Spot, a t4g.micro database and one NAT gateway.
 */
export function costOptimizedProfile(): PlatformCostModelProps {
  const production = costModelPropsOf(productionProps());
  return {
    ...production,
    natGateways: 1,
    services: [
      { name: 'hasura', cpu: 512, memoryLimitMiB: 1024, taskCount: 2, cpuArchitecture: ecs.CpuArchitecture.ARM64 },
      { name: 'nextjs', cpu: 256, memoryLimitMiB: 512, taskCount: 2, fargateSpot: true },
    ],
    database: { ...production.database, instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO) },
  };
}
