import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { PlatformCostModelProps, ServiceCostProfile } from './cost-model-options';
import { alarmMetricCount } from './monitoring-metrics';
import { isBurstable } from './prices';
import type { HasuraNextjsPlatformProps } from '../platform';
import { DEFAULT_TASK } from '../services/container-service';

/** The capacity settings of a service the cost model reads, where the service offers them. */
interface CapacityOptions {
  readonly cpu?: number;
  readonly memoryLimitMiB?: number;
  readonly desiredCount?: number;
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  readonly fargateSpot?: boolean;
  readonly autoScaling?: { readonly minTasks?: number };
}

/**
 * The one place that maps the platform's props to the cost model's input, with the platform's own
 * defaults. `vpc` given: the VPC's NAT gateways are not the platform's, so none are counted.
 */
export function costModelPropsOf(props: HasuraNextjsPlatformProps): PlatformCostModelProps {
  const network = props.network ?? {};
  const availabilityZones = props.vpc
    ? props.vpc.availabilityZones.length
    : network.availabilityZones?.length ?? network.maxAzs ?? 2;
  const natGateways = props.vpc ? 0 : network.natGateways ?? availabilityZones;
  const database = props.database ?? {};
  const instanceType = database.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO);
  const monitoring = props.monitoring;
  const generatedSecrets = 1 // database credentials
    + (props.hasura?.adminSecret ? 0 : 1)
    + (props.hasura?.jwt ? 0 : 1)
    + (props.nextjs.nextAuthSecret ? 0 : 1);

  return {
    services: [serviceProfile('hasura', props.hasura ?? {}), serviceProfile('nextjs', props.nextjs)],
    database: {
      instanceType,
      multiAz: database.multiAz ?? false,
      allocatedStorageGiB: database.allocatedStorageGiB ?? 20,
    },
    availabilityZones,
    natGateways,
    secrets: generatedSecrets,
    kmsKeys: props.encryptionKey ? 0 : 1,
    alarmMetrics: monitoring ? alarmMetricCount({
      loadBalancer: true,
      servicesBehindLoadBalancer: [true, true],
      database: true,
      burstableDatabase: isBurstable(instanceType.toString()),
    }) : 0,
    dashboards: monitoring && (monitoring.dashboard ?? true) ? 1 : 0,
  };
}

function serviceProfile(name: string, options: CapacityOptions): ServiceCostProfile {
  return {
    name,
    cpu: options.cpu ?? DEFAULT_TASK.cpu,
    memoryLimitMiB: options.memoryLimitMiB ?? DEFAULT_TASK.memoryLimitMiB,
    taskCount: options.autoScaling?.minTasks ?? options.desiredCount ?? DEFAULT_TASK.desiredCount,
    cpuArchitecture: options.cpuArchitecture,
    fargateSpot: options.fargateSpot,
  };
}
