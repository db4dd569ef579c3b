import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * What the platform watches and whom it tells. Every threshold has a default an operator would start
 * from; each alarm's evaluation window is fixed and documented on `PlatformMonitoring`.
 */
export interface PlatformMonitoringOptions {
  /**
   * E-mail addresses subscribed to the alarm topic (each must confirm the subscription).
   *
   * @default - no subscriptions
   */
  readonly alarmEmails?: string[];

  /**
   * Topic the alarms notify instead of one the platform creates. A topic of your own must let
   * CloudWatch publish (and, when encrypted, use its key).
   *
   * @default - a topic encrypted with the platform key, TLS-only
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Create a CloudWatch dashboard of the request path.
   *
   * @default true
   */
  readonly dashboard?: boolean;

  /**
   * Load balancer 5xx responses of its own (502, 503, 504: no healthy target, target timeout), in
   * percent of requests, over two consecutive 5-minute periods. They should be near zero; 1% is a user
   * in a hundred seeing an error page.
   *
   * @default 1
   */
  readonly loadBalancerErrorPercent?: number;

  /**
   * 5xx responses from a service's targets, in percent of that service's requests, over two consecutive
   * 5-minute periods. Hasura answers GraphQL errors with 200, so a 5xx is a crash, a timeout or a
   * failing database; 2% leaves room for a handful of errors on a quiet site.
   *
   * @default 2
   */
  readonly targetErrorPercent?: number;

  /**
   * 99th-percentile target response time per service, over three consecutive 5-minute periods. A
   * GraphQL query or a server-rendered page slower than 2 s for one user in a hundred for 15 minutes
   * is a real slowdown rather than a cold cache.
   *
   * @default Duration.seconds(2)
   */
  readonly targetResponseTimeP99?: Duration;

  /**
   * Unhealthy targets per target group, for five consecutive minutes. One is enough: a task the load
   * balancer keeps failing is not serving, and ECS normally replaces it within two minutes.
   *
   * @default 1
   */
  readonly unhealthyTargets?: number;

  /**
   * Average CPU of a service, in percent of its tasks' reservation, over three 5-minute periods.
   * Sustained above 80% leaves no headroom for a burst or the loss of a task.
   *
   * @default 80
   */
  readonly serviceCpuPercent?: number;

  /**
   * Average memory of a service, in percent of its tasks' memory, over three 5-minute periods. At 100%
   * a task is killed; 80% sustained is a leak or an undersized task.
   *
   * @default 80
   */
  readonly serviceMemoryPercent?: number;

  /**
   * Requests Hasura answers with an error, in percent of all it answers over HTTP, over three 5-minute
   * periods, counted from its `http-log`. GraphQL errors (validation, permissions, database and action
   * errors, invalid tokens) are answered with HTTP 200, so the load balancer never sees them; clients
   * cause a few, a broken deploy or a schema change many.
   *
   * @default 5
   */
  readonly hasuraErrorPercent?: number;

  /**
   * 99th percentile of the time Hasura spends executing an operation (`query_execution_time` in its
   * `http-log`), over three 5-minute periods: the alarm fires when more than 1% of successful
   * operations take longer. Unlike the load balancer's response time, it leaves out the network and
   * the client, so a breach points at the database or a remote source.
   *
   * @default Duration.seconds(1)
   */
  readonly hasuraExecutionTimeP99?: Duration;

  /**
   * Database CPU in percent, over three 5-minute periods.
   *
   * @default 80
   */
  readonly databaseCpuPercent?: number;

  /**
   * CPU credits below which a burstable (`t*`) database class alarms, over three 5-minute periods. 30
   * credits are 15 minutes of both vCPUs at full speed: beyond that a t3/t4g instance runs at its
   * baseline or, in unlimited mode, bills surplus credits. Not created for other classes.
   *
   * @default 30
   */
  readonly databaseCpuCreditBalance?: number;

  /**
   * Free storage, in percent of the storage allocated at creation (`allocatedStorageGiB`), over two
   * 5-minute periods. Storage autoscaling adds space whenever less than 10% is free, so free storage
   * below half of that means autoscaling has reached `maxAllocatedStorageGiB` or cannot keep up, and a
   * full disk stops PostgreSQL.
   *
   * @default 5
   */
  readonly databaseFreeStoragePercent?: number;

  /**
   * Freeable memory of the database, in percent of the instance class's memory, over three 5-minute
   * periods. Below 10% PostgreSQL's caches shrink and the instance starts to swap.
   *
   * @default 10
   */
  readonly databaseFreeableMemoryPercent?: number;

  /**
   * Database connections, in percent of PostgreSQL's `max_connections`, over three 5-minute periods.
   * At 100% new connections are refused: Hasura tasks starting during a deployment need headroom.
   *
   * @default 80
   */
  readonly databaseConnectionsPercent?: number;

  /**
   * CloudFront 5xx responses to viewers, in percent of requests, over two 5-minute periods, when the
   * platform has a CDN. Behind CloudFront, an origin that CloudFront cannot reach shows only here.
   * CloudFront publishes its metrics in us-east-1 only, so the alarm exists only in a us-east-1 stack.
   *
   * @default 1
   */
  readonly cdnErrorPercent?: number;

  /**
   * Requests the web ACL blocks, in percent of all it inspects, over three 5-minute periods, when the
   * platform has a managed web ACL. A rise is an attack, or a rule that refuses real users.
   *
   * @default 5
   */
  readonly webAclBlockedPercent?: number;
}

/** An alarm to add to `PlatformMonitoring`; it notifies the alarm topic, and again when it returns to OK. */
export interface PlatformAlarmOptions {
  /** The alarm's name after `<platformName>-`, e.g. `orders-queue-depth`. */
  readonly alarmName: string;

  /** The metric or metric-math expression to watch, with its period and statistic. */
  readonly metric: cloudwatch.IMetric;

  /** The value that `comparisonOperator` compares the metric with. */
  readonly threshold: number;

  /**
   * How the metric is compared with the threshold.
   *
   * @default cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
   */
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;

  /** Consecutive periods that must breach before the alarm fires. */
  readonly evaluationPeriods: number;

  /**
   * How periods without data count.
   *
   * @default cloudwatch.TreatMissingData.NOT_BREACHING
   */
  readonly treatMissingData?: cloudwatch.TreatMissingData;

  /** What firing means and what to do, shown in the notification. */
  readonly description: string;
}
