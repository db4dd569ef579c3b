import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';

/** Tasks running in a service, from Container Insights (the `AWS/ECS` namespace has no task count). */
export function runningTaskCount(service: ecs.BaseService, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'ECS/ContainerInsights',
    metricName: 'RunningTaskCount',
    dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: service.serviceName },
    statistic: 'Minimum',
    period,
  });
}

/** What {@link PlatformMonitoring} watches, in the shape the cost model counts. */
export interface WatchedResources {
  readonly loadBalancer: boolean;
  /** For each service, whether it has a target group. */
  readonly servicesBehindLoadBalancer: boolean[];
  readonly database: boolean;
  readonly burstableDatabase: boolean;
}

/**
 * Metrics CloudWatch bills for the alarms of {@link PlatformMonitoring} (an alarm on an error rate
 * watches two metrics). Kept beside the alarms so that the cost model counts what is created.
 */
export function alarmMetricCount(watched: WatchedResources): number {
  const errorRate = 2;
  let count = watched.loadBalancer ? errorRate : 0;
  for (const behindLoadBalancer of watched.servicesBehindLoadBalancer) {
    count += 3; // CPU, memory, running tasks
    count += behindLoadBalancer ? errorRate + 2 : 0; // 5xx rate, p99 latency, unhealthy targets
  }
  if (watched.database) {
    count += 4 + (watched.burstableDatabase ? 1 : 0); // CPU, storage, memory, connections (+ credits)
  }
  return count;
}
