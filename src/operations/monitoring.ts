import { Annotations, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  AlarmEntry, AlarmTargets, canWatchCloudFront, DATABASE_ALARMS, DISTRIBUTION_ALARMS, HASURA_LOG_ALARMS, HasuraLogMetrics, LOAD_BALANCER_ALARMS,
  SERVICE_ALARMS, thresholdOption, WEB_ACL_ALARMS,
} from './alarm-catalogue';
import { PlatformDashboard } from './dashboard';
import { checkMonitoredResources, pascalCase } from './monitored-checks';
import { MonitoredDatabase, MonitoredService, MonitoredWebAcl } from './monitored-resources';
import { validateMonitoringOptions } from './monitoring-checks';
import { PlatformAlarmOptions, PlatformMonitoringOptions } from './monitoring-options';
import { HASURA_LOG_PATTERNS } from '../hasura/hasura-logs';
import { allowServiceToPublishWithKey } from '../private/service-key-access';

/** Props of `PlatformMonitoring`. */
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
   * The log group of a Hasura service. Metric filters count the operations, errors and slow operations
   * its JSON `http-log` records, and alarms watch them: Hasura CE exports no metrics of its own.
   *
   * @default - no Hasura log alarms
   */
  readonly hasuraLogGroup?: logs.ILogGroup;

  /**
   * The database to watch.
   *
   * @default - no database alarms
   */
  readonly database?: MonitoredDatabase;

  /**
   * The CloudFront distribution in front of the platform. Its alarm needs a stack in us-east-1, where
   * CloudFront publishes its metrics; elsewhere a synth-time warning says it was left out.
   *
   * @default - no CDN alarm
   */
  readonly distribution?: cloudfront.IDistribution;

  /**
   * The web ACL in front of the platform.
   *
   * @default - no web ACL alarm
   */
  readonly webAcl?: MonitoredWebAcl;

  /**
   * Key that encrypts the alarm topic the construct creates. CloudWatch is allowed to use it.
   *
   * @default - a key with yearly rotation is created for the topic
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * CloudWatch alarms on the request path (load balancer, each service and its target group, Hasura's
 * own log, database), each notifying one SNS topic and again when it returns to OK, plus a dashboard.
 * Each alarm's threshold is an option of `PlatformMonitoringOptions`; the README's alarm table lists
 * every alarm with its default, window and missing-data rule. `addAlarm` adds alarms of your own to the
 * same topic.
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
      this.watch(LOAD_BALANCER_ALARMS, props.loadBalancer, props);
    }
    for (const service of props.services ?? []) {
      this.watch(SERVICE_ALARMS, service, props, { id: pascalCase(service.displayName), name: `${service.displayName}-` });
    }
    const hasuraLogs = props.hasuraLogGroup && this.hasuraLogMetrics(props.hasuraLogGroup, props);
    if (hasuraLogs) {
      this.watch(HASURA_LOG_ALARMS, hasuraLogs, props);
    }
    if (props.database) {
      this.watch(DATABASE_ALARMS, props.database, props);
    }
    this.watchEdge(props);
    if (props.dashboard ?? true) {
      this.dashboard = new PlatformDashboard(this, 'Dashboard', {
        platformName: props.platformName,
        loadBalancer: props.loadBalancer,
        services: props.services,
        database: props.database?.instance,
        alarms: this.alarms,
      });
      if (hasuraLogs) {
        this.dashboard.dashboard.addWidgets(new cloudwatch.GraphWidget({
          title: 'Hasura operations, errors and slow operations (from its http-log)',
          left: [hasuraLogs.operations, hasuraLogs.errors, hasuraLogs.slowOperations],
          width: 24,
          height: 6,
          leftYAxis: { min: 0, label: 'count', showUnits: false },
        }));
      }
    }
  }

  /**
   * Metric filters on Hasura's log group, in a namespace of the platform's own: operations, errors, and
   * operations slower than the execution-time threshold. Each is a custom metric.
   */
  private hasuraLogMetrics(logGroup: logs.ILogGroup, props: PlatformMonitoringProps): HasuraLogMetrics {
    const scope = new Construct(this, 'HasuraLogMetrics');
    const slowSeconds = thresholdOption(HASURA_LOG_ALARMS.find((entry) => entry.option === 'hasuraExecutionTimeP99')!, props);
    const count = (id: string, filterPattern: logs.IFilterPattern, label: string) => new logs.MetricFilter(scope, id, {
      logGroup,
      filterPattern,
      metricNamespace: `${this.platformName}/Hasura`,
      metricName: id,
      metricValue: '1',
      unit: cloudwatch.Unit.COUNT,
    }).metric({ statistic: 'Sum', period: Duration.minutes(5), label });
    return {
      operations: count('Operations', HASURA_LOG_PATTERNS.operations(), 'Operations'),
      errors: count('Errors', HASURA_LOG_PATTERNS.errors(), 'Errors'),
      slowOperations: count('SlowOperations', HASURA_LOG_PATTERNS.slowerThan(slowSeconds), `Slower than ${slowSeconds} s`),
    };
  }

  /**
   * A topic encrypted with `encryptionKey` that CloudWatch alarms of this account may publish to. Its
   * topic policy replaces SNS's default one, so every publisher needs a statement of its own (AWS
   * Knowledge Center, cloudwatch-receive-sns-for-alarm-trigger); so does the key.
   */
  private createTopic(encryptionKey: kms.IKey | undefined): sns.Topic {
    const key = encryptionKey ?? new kms.Key(this, 'TopicKey', {
      description: `${this.platformName}: encrypts the alarm topic`,
      enableKeyRotation: true,
    });
    allowServiceToPublishWithKey(key, 'cloudwatch.amazonaws.com', 'AllowCloudWatchAlarmsToPublish');
    const topic = new sns.Topic(this, 'Topic', {
      displayName: `${this.platformName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    const stack = Stack.of(this);
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }));
    return topic;
  }

  /** The CDN and web ACL alarms, where they can live. */
  private watchEdge(props: PlatformMonitoringProps): void {
    if (props.distribution) {
      if (canWatchCloudFront(Stack.of(this))) {
        this.watch(DISTRIBUTION_ALARMS, props.distribution, props);
      } else {
        Annotations.of(this).addWarningV2('cdk-hasura-nextjs:cdnAlarmRegion', 'CloudFront publishes its metrics in'
          + ' us-east-1 only, and an alarm can watch metrics of its own region only: the CDN 5xx alarm is left out of'
          + ` this ${Stack.of(this).region} stack. Create it in a us-east-1 stack (see the alarm catalogue in the README).`);
      }
    }
    if (props.webAcl) {
      this.watch(WEB_ACL_ALARMS, { ...props.webAcl, region: Stack.of(this).region }, props);
    }
  }

  /**
   * Adds an alarm that notifies the topic when it fires and again when it returns to OK, named
   * `<platformName>-<alarmName>`. The platform's own alarms are created the same way.
   */
  public addAlarm(id: string, options: PlatformAlarmOptions): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods,
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
      alarmName: `${this.platformName}-${options.alarmName}`,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** Creates each catalogue alarm of `entries` that applies to `target`, with ids and names after `prefix`. */
  private watch<K extends keyof AlarmTargets>(entries: AlarmEntry<K>[], target: AlarmTargets[K], props: PlatformMonitoringOptions,
    prefix: { id: string; name: string } = { id: '', name: '' }): void {
    for (const entry of entries) {
      if (entry.appliesTo && !entry.appliesTo(target)) {
        continue;
      }
      const value = thresholdOption(entry, props);
      this.addAlarm(`${prefix.id}${entry.id}`, {
        alarmName: `${prefix.name}${entry.name}`,
        metric: entry.metric(target, entry.period),
        threshold: entry.threshold ? entry.threshold(target, value) : value,
        comparisonOperator: entry.comparisonOperator,
        evaluationPeriods: entry.evaluationPeriods,
        treatMissingData: entry.treatMissingData,
        description: entry.description(target, value),
      });
    }
  }
}
