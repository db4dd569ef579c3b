import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { PlatformDashboard } from './dashboard';
import { checkMonitoredResources, databaseMemoryGiB, pascalCase } from './monitored-checks';
import { MonitoredDatabase, MonitoredService } from './monitored-resources';
import { validateMonitoringOptions } from './monitoring-checks';
import { runningTaskCount } from './monitoring-metrics';
import { PlatformMonitoringOptions } from './monitoring-options';
import { isBurstable } from './prices';
import { allowServiceToPublishWithKey } from '../private/service-key-access';

/** Props of {@link PlatformMonitoring}. */
export interface PlatformMonitoringProps extends PlatformMonitoringOptions {
  /** Short name of the platform; every alarm name starts with it, e.g. `hasura-blog-database-cpu`. */
  readonly platformName: string;

  /**
   * The load balancer in front of the services.
   *
   * @default - no load balancer alarm
   */
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;

  /**
   * The services to watch.
   *
   * @default - none
   */
  readonly services?: MonitoredService[];

  /**
   * The database to watch.
   *
   * @default - no database alarms
   */
  readonly database?: MonitoredDatabase;

  /**
   * Key that encrypts the alarm topic the construct creates. CloudWatch is allowed to use it.
   *
   * @default - a key with yearly rotation is created for the topic
   */
  readonly encryptionKey?: kms.IKey;
}

const PERIOD = Duration.minutes(5);

/**
 * CloudWatch alarms on the request path, each notifying one SNS topic (and back to OK), plus a
 * dashboard. Evaluation: 5-minute periods, two or three in a row before notifying, unless noted.
 *
 * - load balancer: its own 5xx in percent of requests (2 periods);
 * - per service with a target group: target 5xx in percent of its requests (2 periods), p99 response
 *   time (3 periods), unhealthy targets (five 1-minute periods);
 * - per service: CPU and memory (3 periods), running tasks below the floor (five 1-minute periods,
 *   missing data counts as none running);
 * - database: CPU, CPU credits on burstable classes, free storage against the autoscaling maximum
 *   (2 periods), freeable memory, connections against `max_connections` (3 periods).
 *
 * Where there is no traffic there are no errors or latencies, so those alarms treat missing data as
 * fine; the database alarms keep their state through the gaps of a reboot or failover.
 */
export class PlatformMonitoring extends Construct {
  /** The topic every alarm notifies. */
  public readonly topic: sns.ITopic;
  /** Every alarm, in the order created. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The dashboard, unless turned off. */
  public readonly dashboard?: PlatformDashboard;

  private readonly platformName: string;
  private readonly action: cloudwatch.IAlarmAction;

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps) {
    super(scope, id);
    validateMonitoringOptions(props, 'monitoring');
    checkMonitoredResources(props.services ?? [], props.database);
    this.platformName = props.platformName;

    this.topic = props.alarmTopic ?? this.createTopic(props.encryptionKey);
    for (const email of props.alarmEmails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.action = new cloudwatchActions.SnsAction(this.topic);

    if (props.loadBalancer) {
      this.watchLoadBalancer(props.loadBalancer, props);
    }
    for (const service of props.services ?? []) {
      this.watchService(service, props);
    }
    if (props.database) {
      this.watchDatabase(props.database, props);
    }
    if (props.dashboard ?? true) {
      this.dashboard = new PlatformDashboard(this, 'Dashboard', {
        platformName: props.platformName,
        loadBalancer: props.loadBalancer,
        services: props.services,
        database: props.database?.instance,
        alarms: this.alarms,
      });
    }
  }

  private createTopic(encryptionKey: kms.IKey | undefined): sns.Topic {
    const key = encryptionKey ?? new kms.Key(this, 'TopicKey', {
      description: `${this.platformName}: encrypts the alarm topic`,
      enableKeyRotation: true,
    });
    allowServiceToPublishWithKey(key, 'cloudwatch.amazonaws.com', 'AllowCloudWatchAlarmsToPublish');
    return new sns.Topic(this, 'Topic', {
      displayName: `${this.platformName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
  }

  private watchLoadBalancer(loadBalancer: elbv2.IApplicationLoadBalancer, props: PlatformMonitoringOptions): void {
    const metrics = loadBalancer.metrics;
    this.alarm('LoadBalancerErrors', 'load-balancer-5xx', {
      metric: errorRate(metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT), metrics.requestCount(),
        'Load balancer 5xx (% of requests)'),
      threshold: props.loadBalancerErrorPercent ?? 1,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The load balancer answers 5xx itself: no healthy target, or targets time out or reset.',
    });
  }

  private watchService(service: MonitoredService, props: PlatformMonitoringOptions): void {
    const id = pascalCase(service.displayName);
    const name = service.displayName;
    const targetGroup = service.targetGroup;
    if (targetGroup) {
      const metrics = targetGroup.metrics;
      this.alarm(`${id}TargetErrors`, `${name}-5xx`, {
        metric: errorRate(metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT), metrics.requestCount(),
          `${name} 5xx (% of requests)`),
        threshold: props.targetErrorPercent ?? 2,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${name} answers 5xx: it crashed, timed out or lost its database.`,
      });
      this.alarm(`${id}ResponseTime`, `${name}-latency-p99`, {
        metric: metrics.targetResponseTime({ statistic: 'p99', period: PERIOD }),
        threshold: (props.targetResponseTimeP99 ?? Duration.seconds(2)).toMilliseconds() / 1000,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${name}: the slowest 1% of responses take longer than the threshold (seconds).`,
      });
      this.alarm(`${id}UnhealthyTargets`, `${name}-unhealthy-targets`, {
        metric: metrics.unhealthyHostCount({ statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: props.unhealthyTargets ?? 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${name}: targets fail the load balancer's health check for five minutes.`,
      });
    }
    this.alarm(`${id}Cpu`, `${name}-cpu`, {
      metric: service.service.metricCpuUtilization({ period: PERIOD }),
      threshold: props.serviceCpuPercent ?? 80,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${name}: average CPU of the tasks (% of their reservation).`,
    });
    this.alarm(`${id}Memory`, `${name}-memory`, {
      metric: service.service.metricMemoryUtilization({ period: PERIOD }),
      threshold: props.serviceMemoryPercent ?? 80,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${name}: average memory of the tasks (% of their memory); at 100% a task is killed.`,
    });
    this.alarm(`${id}RunningTasks`, `${name}-running-tasks`, {
      metric: runningTaskCount(service.service, Duration.minutes(1)),
      threshold: service.minimumTasks,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `${name}: fewer tasks running than its floor of ${service.minimumTasks} for five minutes`
        + ' (tasks keep failing to start, or no task reports at all).',
    });
  }

  private watchDatabase(database: MonitoredDatabase, props: PlatformMonitoringOptions): void {
    const instance = database.instance;
    const keepState = cloudwatch.TreatMissingData.MISSING;
    this.alarm('DatabaseCpu', 'database-cpu', {
      metric: instance.metricCPUUtilization({ period: PERIOD }),
      threshold: props.databaseCpuPercent ?? 80,
      evaluationPeriods: 3,
      treatMissingData: keepState,
      alarmDescription: 'Database CPU (%).',
    });
    if (isBurstable(database.instanceType.toString())) {
      this.alarm('DatabaseCpuCredits', 'database-cpu-credits', {
        metric: instance.metric('CPUCreditBalance', { statistic: 'Minimum', period: PERIOD }),
        threshold: props.databaseCpuCreditBalance ?? 30,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: keepState,
        alarmDescription: 'The burstable database is running out of CPU credits: it will be throttled to its'
          + ' baseline or bill surplus credits. Consider a larger or non-burstable class.',
      });
    }
    const freeStoragePercent = props.databaseFreeStoragePercent ?? 10;
    this.alarm('DatabaseFreeStorage', 'database-free-storage', {
      metric: instance.metricFreeStorageSpace({ statistic: 'Minimum', period: PERIOD }),
      threshold: gibToBytes(database.maxAllocatedStorageGiB * freeStoragePercent / 100),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: keepState,
      alarmDescription: `Less than ${freeStoragePercent}% of the storage autoscaling maximum`
        + ` (${database.maxAllocatedStorageGiB} GiB) is free (bytes). Raise maxAllocatedStorageGiB before the disk fills.`,
    });
    const memoryPercent = props.databaseFreeableMemoryPercent ?? 10;
    this.alarm('DatabaseFreeableMemory', 'database-freeable-memory', {
      metric: instance.metricFreeableMemory({ statistic: 'Minimum', period: PERIOD }),
      threshold: gibToBytes(databaseMemoryGiB(database) * memoryPercent / 100),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: keepState,
      alarmDescription: `Less than ${memoryPercent}% of the instance's memory is freeable (bytes).`,
    });
    const connectionsPercent = props.databaseConnectionsPercent ?? 80;
    this.alarm('DatabaseConnections', 'database-connections', {
      metric: instance.metricDatabaseConnections({ statistic: 'Maximum', period: PERIOD }),
      threshold: Math.floor(database.maxConnections * connectionsPercent / 100),
      evaluationPeriods: 3,
      treatMissingData: keepState,
      alarmDescription: `More than ${connectionsPercent}% of max_connections (${database.maxConnections}) are open.`,
    });
  }

  private alarm(id: string, suffix: string, options: AlarmSpec): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...options,
      alarmName: `${this.platformName}-${suffix}`,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}

type AlarmSpec = Omit<cloudwatch.AlarmProps, 'alarmName'>;

/** `errors` in percent of `requests` per 5-minute period; periods without requests count as 0%. */
function errorRate(errors: cloudwatch.IMetric, requests: cloudwatch.IMetric, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: '100 * FILL(errors, 0) / FILL(requests, 1)',
    usingMetrics: { errors, requests },
    period: PERIOD,
    label,
  });
}

function gibToBytes(gib: number): number {
  return Math.round(gib * 1024 ** 3);
}
