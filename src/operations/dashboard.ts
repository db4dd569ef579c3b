import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { MonitoredService } from './monitored-resources';
import { runningTaskCount } from './monitoring-metrics';

/** Props of `PlatformDashboard`. */
export interface PlatformDashboardProps {
  /** Short name of the platform; it names the dashboard. */
  readonly platformName: string;

  /**
   * The load balancer.
   *
   * @default - no request, latency or error widgets
   */
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;

  /**
   * The services.
   *
   * @default - none
   */
  readonly services?: MonitoredService[];

  /**
   * The database instance.
   *
   * @default - no database widgets
   */
  readonly database?: rds.IDatabaseInstance;

  /**
   * Alarms whose state the dashboard shows at the top.
   *
   * @default - none
   */
  readonly alarms?: cloudwatch.IAlarm[];
}

const PERIOD = Duration.minutes(5);

/**
 * A CloudWatch dashboard that reads like the request path: alarm states; requests, latency and errors
 * at the load balancer and per service; CPU, memory and running tasks per service; database CPU,
 * connections, free storage and freeable memory.
 */
export class PlatformDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.platformName,
      defaultInterval: Duration.hours(3),
    });
    const services = props.services ?? [];
    const graph = (title: string, left: cloudwatch.IMetric[], unit?: string) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, leftYAxis: { min: 0, label: unit, showUnits: false } });

    if (props.alarms && props.alarms.length > 0) {
      this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24 }));
    }
    const withTargets = services.filter((service) => service.targetGroup);
    if (props.loadBalancer) {
      const metrics = props.loadBalancer.metrics;
      this.dashboard.addWidgets(
        graph('Requests', [metrics.requestCount({ period: PERIOD, label: 'All' }),
          ...withTargets.map((s) => s.targetGroup!.metrics.requestCount({ period: PERIOD, label: s.displayName }))], 'count'),
        graph('Latency p99 / p50 (s)', withTargets.flatMap((s) => [
          s.targetGroup!.metrics.targetResponseTime({ statistic: 'p99', period: PERIOD, label: `${s.displayName} p99` }),
          s.targetGroup!.metrics.targetResponseTime({ statistic: 'p50', period: PERIOD, label: `${s.displayName} p50` }),
        ]), 'seconds'),
        graph('Errors (5xx)', [
          metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: PERIOD, label: 'Load balancer 5xx' }),
          ...withTargets.map((s) => s.targetGroup!.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT,
            { period: PERIOD, label: `${s.displayName} 5xx` })),
        ], 'count'),
      );
    }
    if (services.length > 0) {
      this.dashboard.addWidgets(
        graph('Service CPU (%)', services.map((s) => s.service.metricCpuUtilization({ period: PERIOD, label: s.displayName })), '%'),
        graph('Service memory (%)', services.map((s) => s.service.metricMemoryUtilization({ period: PERIOD, label: s.displayName })), '%'),
        graph('Running tasks', services.map((s) => runningTaskCount(s.service, Duration.minutes(1)).with({ label: s.displayName })), 'tasks'),
      );
    }
    const database = props.database;
    if (database) {
      this.dashboard.addWidgets(
        graph('Database CPU (%)', [database.metricCPUUtilization({ period: PERIOD })], '%'),
        graph('Database connections', [database.metricDatabaseConnections({ statistic: 'Maximum', period: PERIOD })], 'connections'),
        graph('Database free storage (bytes)', [database.metricFreeStorageSpace({ statistic: 'Minimum', period: PERIOD })], 'bytes'),
        graph('Database freeable memory (bytes)', [database.metricFreeableMemory({ statistic: 'Minimum', period: PERIOD })], 'bytes'),
      );
    }
  }
}
