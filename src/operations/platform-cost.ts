import { PlatformCostModelProps, ServiceCostProfile } from './cost-model-options';
import { alarmMetricCount } from './monitoring-metrics';
import { isBurstable } from './prices';
import { DEFAULT_INSTANCE_TYPE } from '../database/database-checks';
import type { HasuraNextjsPlatformProps } from '../platform';
import { DEFAULT_TASK, minSteadyTasks } from '../services/container-service';
import { ContainerServiceOptions } from '../services/service-options';

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
  const instanceType = database.instanceType ?? DEFAULT_INSTANCE_TYPE;
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

function serviceProfile(name: string, options: ContainerServiceOptions & { readonly fargateSpot?: boolean }): ServiceCostProfile {
  return {
    name,
    cpu: options.cpu ?? DEFAULT_TASK.cpu,
    memoryLimitMiB: options.memoryLimitMiB ?? DEFAULT_TASK.memoryLimitMiB,
    taskCount: minSteadyTasks(options),
    cpuArchitecture: options.cpuArchitecture,
    fargateSpot: options.fargateSpot,
  };
}
