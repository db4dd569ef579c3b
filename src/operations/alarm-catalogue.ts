import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { databaseMemoryGiB } from './monitored-checks';
import { MonitoredDatabase, MonitoredService, MonitoredWebAcl } from './monitored-resources';
import { runningTaskCount } from './monitoring-metrics';
import { PlatformMonitoringOptions } from './monitoring-options';
import { WebAclScope } from '../edge/web-acl-options';

/**
 * Every alarm the platform can create, as data: what it watches, its threshold option and default,
 * its window and how it treats missing data, and why that default. `PlatformMonitoring` creates
 * them from here, the monitoring options are validated from here, and the README's alarm table is
 * checked against a rendering of this list; nothing else restates an alarm.
 */

/** Hasura's operations as its JSON `http-log` records them, counted by metric filters (sums per period). */
export interface HasuraLogMetrics {
  readonly operations: cloudwatch.IMetric;
  readonly errors: cloudwatch.IMetric;
  /** Successful operations slower than the `hasuraExecutionTimeP99` option. */
  readonly slowOperations: cloudwatch.IMetric;
}

/** The kinds of resources alarms watch. */
export interface AlarmTargets {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly service: MonitoredService;
  readonly hasuraLogs: HasuraLogMetrics;
  readonly database: MonitoredDatabase;
  readonly distribution: cloudfront.IDistribution;
  readonly webAcl: MonitoredWebAcl & { readonly region: string };
}

/** What a threshold option holds, which decides its check and its unit in the docs. */
export enum ThresholdKind {
  PERCENT = 'percent',
  COUNT = 'count',
  SECONDS = 'seconds',
  CREDITS = 'credits',
}

/** Options whose value is an alarm threshold. */
export type ThresholdOption = {
  [K in keyof PlatformMonitoringOptions]-?: NonNullable<PlatformMonitoringOptions[K]> extends number | Duration ? K : never
}[keyof PlatformMonitoringOptions];

/** One alarm of the catalogue, for targets of kind `K`. */
export interface AlarmEntry<K extends keyof AlarmTargets> {
  /** The kind of resource it watches. */
  readonly target: K;
  /** Construct id, after the target's own prefix (a service's name in PascalCase), e.g. `Cpu`. */
  readonly id: string;
  /** Alarm name, after `<platformName>-` and the target's prefix (a service's name), e.g. `cpu`. */
  readonly name: string;
  /** The option that sets the threshold; none where the threshold follows from the target alone. */
  readonly option?: ThresholdOption;
  readonly kind: ThresholdKind;
  /** The option's default, or the value passed to `threshold` when there is no option. */
  readonly defaultThreshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  /** Length of one evaluation period. */
  readonly period: Duration;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** Only where this holds, e.g. CPU credits only on burstable classes. */
  readonly appliesTo?: (target: AlarmTargets[K]) => boolean;
  /** The metric, in the period above. */
  readonly metric: (target: AlarmTargets[K], period: Duration) => cloudwatch.IMetric;
  /** The threshold in the metric's unit, from the option's value. */
  readonly threshold?: (target: AlarmTargets[K], value: number) => number;
  readonly description: (target: AlarmTargets[K], value: number) => string;
  /** How the README's alarm table shows it. */
  readonly doc: AlarmDoc;
}

/** A row of the README's alarm table; the window and missing-data columns come from the entry. */
export interface AlarmDoc {
  /** e.g. `service CPU`. */
  readonly label: string;
  /** The threshold with `{}` for the default value, e.g. `> {}%`. */
  readonly threshold: string;
  readonly why: string;
}

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);
const { GREATER_THAN_THRESHOLD: ABOVE, LESS_THAN_THRESHOLD: BELOW } = cloudwatch.ComparisonOperator;
const { NOT_BREACHING, BREACHING, IGNORE } = cloudwatch.TreatMissingData;

/** The load balancer's alarms. */
export const LOAD_BALANCER_ALARMS: AlarmEntry<'loadBalancer'>[] = [{
  target: 'loadBalancer',
  id: 'LoadBalancerErrors',
  name: 'load-balancer-5xx',
  option: 'loadBalancerErrorPercent',
  kind: ThresholdKind.PERCENT,
  defaultThreshold: 1,
  comparisonOperator: ABOVE,
  evaluationPeriods: 2,
  period: FIVE_MINUTES,
  treatMissingData: NOT_BREACHING,
  metric: (loadBalancer, period) => errorRate(loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT),
    loadBalancer.metrics.requestCount(), 'Load balancer 5xx (% of requests)', period),
  description: () => 'The load balancer answers 5xx itself: no healthy target, or targets time out or reset.',
  doc: {
    label: 'load balancer 5xx',
    threshold: '> {}% of requests',
    why: '502/503/504 from the load balancer itself mean no healthy target or timeouts; near zero in health',
  },
}];

/** Each service's alarms; those on its target group only where it has one. */
export const SERVICE_ALARMS: AlarmEntry<'service'>[] = [
  {
    target: 'service',
    id: 'TargetErrors',
    name: '5xx',
    option: 'targetErrorPercent',
    kind: ThresholdKind.PERCENT,
    defaultThreshold: 2,
    comparisonOperator: ABOVE,
    evaluationPeriods: 2,
    period: FIVE_MINUTES,
    treatMissingData: NOT_BREACHING,
    appliesTo: (s) => s.targetGroup !== undefined,
    metric: (s, period) => errorRate(s.targetGroup!.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT),
      s.targetGroup!.metrics.requestCount(), `${s.displayName} 5xx (% of requests)`, period),
    description: (s) => `${s.displayName} answers 5xx: it crashed, timed out or lost its database.`,
    doc: {
      label: 'target 5xx (per service)',
      threshold: '> {}% of its requests',
      why: 'Hasura answers GraphQL errors with 200, so a 5xx is a crash, timeout or lost database; 2% tolerates a few on a quiet site',
    },
  },
  {
    target: 'service',
    id: 'ResponseTime',
    name: 'latency-p99',
    option: 'targetResponseTimeP99',
    kind: ThresholdKind.SECONDS,
    defaultThreshold: 2,
    comparisonOperator: ABOVE,
    evaluationPeriods: 3,
    period: FIVE_MINUTES,
    treatMissingData: NOT_BREACHING,
    appliesTo: (s) => s.targetGroup !== undefined,
    metric: (s, period) => s.targetGroup!.metrics.targetResponseTime({ statistic: 'p99', period }),
    description: (s) => `${s.displayName}: the slowest 1% of responses take longer than the threshold (seconds).`,
    doc: {
      label: 'response time p99 (per service)',
      threshold: '> {} s',
      why: 'one user in a hundred waiting over 2 s for 15 minutes is a slowdown, not a cold cache',
    },
  },
  {
    target: 'service',
    id: 'UnhealthyTargets',
    name: 'unhealthy-targets',
    option: 'unhealthyTargets',
    kind: ThresholdKind.COUNT,
    defaultThreshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 5,
    period: ONE_MINUTE,
    treatMissingData: NOT_BREACHING,
    appliesTo: (s) => s.targetGroup !== undefined,
    metric: (s, period) => s.targetGroup!.metrics.unhealthyHostCount({ statistic: 'Maximum', period }),
    description: (s) => `${s.displayName}: targets fail the load balancer's health check for five minutes.`,
    doc: {
      label: 'unhealthy targets (per target group)',
      threshold: '>= {}',
      why: 'ECS replaces a failing task within about two minutes; five minutes means it keeps failing',
    },
  },
  {
    target: 'service',
    id: 'Cpu',
    name: 'cpu',
    option: 'serviceCpuPercent',
    kind: ThresholdKind.PERCENT,
    defaultThreshold: 80,
    comparisonOperator: ABOVE,
    evaluationPeriods: 3,
    period: FIVE_MINUTES,
    treatMissingData: NOT_BREACHING,
    metric: (s, period) => s.service.metricCpuUtilization({ period }),
    description: (s) => `${s.displayName}: average CPU of the tasks (% of their reservation).`,
    doc: { label: 'service CPU', threshold: '> {}%', why: 'no headroom left for a burst or the loss of a task' },
  },
  {
    target: 'service',
    id: 'Memory',
    name: 'memory',
    option: 'serviceMemoryPercent',
    kind: ThresholdKind.PERCENT,
    defaultThreshold: 80,
    comparisonOperator: ABOVE,
    evaluationPeriods: 3,
    period: FIVE_MINUTES,
    treatMissingData: NOT_BREACHING,
    metric: (s, period) => s.service.metricMemoryUtilization({ period }),
    description: (s) => `${s.displayName}: average memory of the tasks (% of their memory); at 100% a task is killed.`,
    doc: { label: 'service memory', threshold: '> {}%', why: 'a task is killed at 100%; sustained 80% is a leak or an undersized task' },
  },
  {
    target: 'service',
    id: 'RunningTasks',
    name: 'running-tasks',
    kind: ThresholdKind.COUNT,
    defaultThreshold: 0,
    comparisonOperator: BELOW,
    evaluationPeriods: 5,
    period: ONE_MINUTE,
    treatMissingData: BREACHING,
    appliesTo: (s) => s.containerInsights ?? true,
    metric: (s, period) => runningTaskCount(s.service, period),
    threshold: (s) => s.minimumTasks,
    description: (s) => `${s.displayName}: fewer tasks running than its floor of ${s.minimumTasks} for five minutes`
      + ' (tasks keep failing to start, or no task reports at all).',
    doc: {
      label: 'running tasks (per service)',
      threshold: '< desired count',
      why: 'needs Container Insights (on); no data means no task reports',
    },
  },
];

/**
 * Hasura's own view of its operations, from its logs: Hasura CE exports no metrics (OpenTelemetry and
 * Prometheus are Enterprise Edition features), and it answers GraphQL errors with HTTP 200.
 */
export const HASURA_LOG_ALARMS: AlarmEntry<'hasuraLogs'>[] = [
  {
    target: 'hasuraLogs',
    id: 'HasuraErrors',
    name: 'hasura-errors',
    option: 'hasuraErrorPercent',
    kind: ThresholdKind.PERCENT,
    defaultThreshold: 5,
    comparisonOperator: ABOVE,
    evaluationPeriods: 3,
    period: FIVE_MINUTES,
    treatMissingData: NOT_BREACHING,
    metric: (m, period) => percentOf(m.errors, m.operations, 'Hasura errors (% of operations)', period),
    description: () => 'Hasura answers many operations with errors, which GraphQL returns with HTTP 200 so the load balancer does'
      + ' not count them: look up their detail.operation.error.code in its http-log (CloudWatch Logs Insights).',
    doc: {
      label: 'Hasura errors (from its `http-log`)',
      threshold: '> {}% of operations',
      why: 'GraphQL errors (validation, permissions, database, actions, tokens) are HTTP 200, invisible to the load balancer; clients cause a few, a broken deploy many',
    },
  },
  {
    target: 'hasuraLogs',
    id: 'HasuraExecutionTime',
    name: 'hasura-execution-time-p99',
    option: 'hasuraExecutionTimeP99',
    kind: ThresholdKind.SECONDS,
    defaultThreshold: 1,
    comparisonOperator: ABOVE,
    evaluationPeriods: 3,
    period: FIVE_MINUTES,
    treatMissingData: NOT_BREACHING,
    // The option sets which operations count as slow; more than 1% of them slow is a p99 above it.
    metric: (m, period) => percentOf(m.slowOperations, m.operations, 'Hasura operations slower than the p99 threshold (%)', period),
    threshold: () => 1,
    description: (_m, seconds) => `More than 1% of Hasura's successful operations took longer than ${seconds} s to execute`
      + ' (query_execution_time in its http-log): the database or a remote source is slow.',
    doc: {
      label: 'Hasura execution time p99 (from its `http-log`)',
      threshold: '> {} s',
      why: 'Hasura\'s own time without network and client; when it is slow, so is the database or a remote source',
    },
  },
];

/** The database's alarms. Their metrics keep their state through the gaps of a reboot or failover. */
export const DATABASE_ALARMS: AlarmEntry<'database'>[] = [
  {
    target: 'database',
    id: 'DatabaseCpu',
    name: 'database-cpu',
    option: 'databaseCpuPercent',
    kind: ThresholdKind.PERCENT,
    defaultThreshold: 80,
    comparisonOperator: ABOVE,
    evaluationPeriods: 3,
    period: FIVE_MINUTES,
    treatMissingData: IGNORE,
    metric: (d, period) => d.instance.metricCPUUtilization({ period }),
    description: () => 'Database CPU (%).',
    doc: { label: 'database CPU', threshold: '> {}%', why: 'queries queue beyond it' },
  },
  {
    target: 'database',
    id: 'DatabaseCpuCredits',
    name: 'database-cpu-credits',
    option: 'databaseCpuCreditBalance',
    kind: ThresholdKind.CREDITS,
    defaultThreshold: 30,
    comparisonOperator: BELOW,
    evaluationPeriods: 3,
    period: FIVE_MINUTES,
    treatMissingData: IGNORE,
    appliesTo: (d) => /^t\d/.test(d.instanceType.toString()),
    metric: (d, period) => d.instance.metric('CPUCreditBalance', { statistic: 'Minimum', period }),
    description: () => 'The burstable database is running out of CPU credits: it will be throttled to its'
      + ' baseline or bill surplus credits. Consider a larger or non-burstable class.',
    doc: {
      label: 'database CPU credits (`t*` classes only)',
      threshold: '< {}',
      why: '15 minutes of both vCPUs at full speed left before throttling or surplus charges',
    },
  },
  {
    target: 'database',
    id: 'DatabaseFreeStorage',
    name: 'database-free-storage',
    option: 'databaseFreeStoragePercent',
    kind: ThresholdKind.PERCENT,
    defaultThreshold: 5,
    comparisonOperator: BELOW,
    evaluationPeriods: 2,
    period: FIVE_MINUTES,
    treatMissingData: IGNORE,
    metric: (d, period) => d.instance.metricFreeStorageSpace({ statistic: 'Minimum', period }),
    threshold: (d, percent) => gibToBytes(d.allocatedStorageGiB * percent / 100),
    description: (d, percent) => `Less than ${percent}% of the ${d.allocatedStorageGiB} GiB first allocated is free (bytes): storage`
      + ` autoscaling adds space below 10% free, so it has reached maxAllocatedStorageGiB (${d.maxAllocatedStorageGiB} GiB) or cannot keep up.`,
    doc: {
      label: 'database free storage',
      threshold: '< {}% of `allocatedStorageGiB`',
      why: 'autoscaling adds storage below 10% free, so half that means it reached `maxAllocatedStorageGiB` or lags; a full disk stops PostgreSQL',
    },
  },
  {
    target: 'database',
    id: 'DatabaseFreeableMemory',
    name: 'database-freeable-memory',
    option: 'databaseFreeableMemoryPercent',
    kind: ThresholdKind.PERCENT,
    defaultThreshold: 10,
    comparisonOperator: BELOW,
    evaluationPeriods: 3,
    period: FIVE_MINUTES,
    treatMissingData: IGNORE,
    metric: (d, period) => d.instance.metricFreeableMemory({ statistic: 'Minimum', period }),
    threshold: (d, percent) => gibToBytes(databaseMemoryGiB(d) * percent / 100),
    description: (_d, percent) => `Less than ${percent}% of the instance's memory is freeable (bytes).`,
    doc: { label: 'database freeable memory', threshold: '< {}% of the class\'s memory', why: 'caches shrink and the instance swaps below it' },
  },
  {
    target: 'database',
    id: 'DatabaseConnections',
    name: 'database-connections',
    option: 'databaseConnectionsPercent',
    kind: ThresholdKind.PERCENT,
    defaultThreshold: 80,
    comparisonOperator: ABOVE,
    evaluationPeriods: 3,
    period: FIVE_MINUTES,
    treatMissingData: IGNORE,
    metric: (d, period) => d.instance.metricDatabaseConnections({ statistic: 'Maximum', period }),
    threshold: (d, percent) => Math.floor(d.maxConnections * percent / 100),
    description: (d, percent) => `More than ${percent}% of max_connections (${d.maxConnections}) are open.`,
    doc: {
      label: 'database connections',
      threshold: '> {}% of `max_connections`',
      why: 'at 100% new connections (Hasura tasks starting in a deployment) are refused',
    },
  },
];

/**
 * The CDN's alarms. CloudFront publishes its metrics in us-east-1 only, with `Region: Global`; an alarm
 * on them must be in us-east-1 too.
 */
export const DISTRIBUTION_ALARMS: AlarmEntry<'distribution'>[] = [{
  target: 'distribution',
  id: 'CdnErrors',
  name: 'cdn-5xx',
  option: 'cdnErrorPercent',
  kind: ThresholdKind.PERCENT,
  defaultThreshold: 1,
  comparisonOperator: ABOVE,
  evaluationPeriods: 2,
  period: FIVE_MINUTES,
  treatMissingData: NOT_BREACHING,
  metric: (distribution, period) => new cloudwatch.Metric({
    namespace: 'AWS/CloudFront',
    metricName: '5xxErrorRate',
    dimensionsMap: { DistributionId: distribution.distributionId, Region: 'Global' },
    statistic: 'Average',
    period,
  }),
  description: () => 'CloudFront answers 5xx to viewers: the origin (the VPC origin, the load balancer or a task) fails or times out.',
  doc: {
    label: 'CDN 5xx (with `cdn`)',
    threshold: '> {}% of requests',
    why: 'behind CloudFront an unreachable origin shows here as viewers\' 5xx, while the load balancer sees no traffic at all',
  },
}];

/** The web ACL's alarms. */
export const WEB_ACL_ALARMS: AlarmEntry<'webAcl'>[] = [{
  target: 'webAcl',
  id: 'WebAclBlocked',
  name: 'waf-blocked',
  option: 'webAclBlockedPercent',
  kind: ThresholdKind.PERCENT,
  defaultThreshold: 5,
  comparisonOperator: ABOVE,
  evaluationPeriods: 3,
  period: FIVE_MINUTES,
  treatMissingData: NOT_BREACHING,
  metric: (acl, period) => {
    const dimensionsMap: { [name: string]: string } = acl.webAclScope === WebAclScope.REGIONAL
      ? { WebACL: acl.webAclName, Region: acl.region, Rule: 'ALL' } : { WebACL: acl.webAclName, Rule: 'ALL' };
    const wafMetric = (metricName: string) => new cloudwatch.Metric({ namespace: 'AWS/WAFV2', metricName, dimensionsMap, statistic: 'Sum', period });
    return new cloudwatch.MathExpression({
      expression: '100 * FILL(blocked, 0) / (FILL(blocked, 0) + FILL(allowed, 0) + 0.000001)',
      usingMetrics: { blocked: wafMetric('BlockedRequests'), allowed: wafMetric('AllowedRequests') },
      period,
      label: 'Web ACL blocked (% of requests)',
    });
  },
  description: () => 'The web ACL blocks a large share of requests: an attack, or rules that refuse real users (see its sampled requests and logs).',
  doc: {
    label: 'web ACL blocked (with `webAcl`)',
    threshold: '> {}% of requests',
    why: 'an attack worth knowing about, or a rule that locks real users out; both need a look',
  },
}];

/** Every entry, in the order the alarms are created and the README lists them. */
export const ALARM_CATALOGUE: ReadonlyArray<AnyAlarmEntry> = [
  ...LOAD_BALANCER_ALARMS, ...SERVICE_ALARMS, ...HASURA_LOG_ALARMS, ...DATABASE_ALARMS, ...DISTRIBUTION_ALARMS, ...WEB_ACL_ALARMS,
];

/** An entry of any target kind. */
export type AnyAlarmEntry = AlarmEntry<'loadBalancer'> | AlarmEntry<'service'> | AlarmEntry<'hasuraLogs'> | AlarmEntry<'database'>
  | AlarmEntry<'distribution'> | AlarmEntry<'webAcl'>;

/** True where alarms on CloudFront's metrics can live: CloudFront publishes them in us-east-1 only. */
export function canWatchCloudFront(stack: Stack): boolean {
  return stack.region === 'us-east-1';
}

/** The option's value in the entry's unit (durations in seconds), or the default. */
export function thresholdOption(entry: Pick<AnyAlarmEntry, 'option' | 'defaultThreshold'>, options: PlatformMonitoringOptions): number {
  const value = entry.option === undefined ? undefined : options[entry.option] as number | Duration | undefined;
  if (value === undefined) {
    return entry.defaultThreshold;
  }
  return typeof value === 'number' ? value : value.toMilliseconds() / 1000;
}

/** `errors` in percent of `requests` per period; periods without requests count as 0%. */
function errorRate(errors: cloudwatch.IMetric, requests: cloudwatch.IMetric, label: string, period: Duration): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: '100 * FILL(errors, 0) / FILL(requests, 1)',
    usingMetrics: { errors, requests },
    period,
    label,
  });
}

/** `part` in percent of `whole`; periods without any count as 0%. */
function percentOf(part: cloudwatch.IMetric, whole: cloudwatch.IMetric, label: string, period: Duration): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: '100 * FILL(part, 0) / FILL(whole, 1)',
    usingMetrics: { part, whole },
    period,
    label,
  });
}

function gibToBytes(gib: number): number {
  return Math.round(gib * 1024 ** 3);
}
