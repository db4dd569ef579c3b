import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HasuraNextjsPlatform, PlatformMonitoring } from '../../src';
import { ALARM_CATALOGUE } from '../../src/operations/alarm-catalogue';
import { exampleTemplate } from '../examples/helpers';
import { NEXTJS_IMAGE, onlyResource, synthPlatform, testStack } from '../util';

/** The one alarm called `<platformName>-<suffix>`. */
function alarm(template: Template, suffix: string): { [key: string]: any } {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', {
    Properties: { AlarmName: `blog-${suffix}` },
  }));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}

describe('monitoring on, defaults', () => {
  const { stack, platform, template } = synthPlatform({ platformName: 'blog', monitoring: { alarmEmails: ['ops@example.com'] } });

  test('20 alarms, each named after the platform and notifying the topic on alarm and on OK', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(20);
    const topic = stack.resolve(platform.monitoring!.topic.topicArn);
    for (const { Properties: p } of alarms) {
      expect(p.AlarmName).toMatch(/^blog-/);
      expect(p.AlarmActions).toEqual([topic]);
      expect(p.OKActions).toEqual([topic]);
    }
  });

  test.each([
    // suffix, threshold, comparison, periods, missing data
    ['load-balancer-5xx', 1, 'GreaterThanThreshold', 2, 'notBreaching'],
    ['hasura-5xx', 2, 'GreaterThanThreshold', 2, 'notBreaching'],
    ['nextjs-5xx', 2, 'GreaterThanThreshold', 2, 'notBreaching'],
    ['hasura-latency-p99', 2, 'GreaterThanThreshold', 3, 'notBreaching'],
    ['nextjs-latency-p99', 2, 'GreaterThanThreshold', 3, 'notBreaching'],
    ['hasura-unhealthy-targets', 1, 'GreaterThanOrEqualToThreshold', 5, 'notBreaching'],
    ['nextjs-unhealthy-targets', 1, 'GreaterThanOrEqualToThreshold', 5, 'notBreaching'],
    ['hasura-cpu', 80, 'GreaterThanThreshold', 3, 'notBreaching'],
    ['nextjs-memory', 80, 'GreaterThanThreshold', 3, 'notBreaching'],
    ['hasura-running-tasks', 2, 'LessThanThreshold', 5, 'breaching'],
    ['nextjs-running-tasks', 2, 'LessThanThreshold', 5, 'breaching'],
    // Hasura's own view, from its logs: errors in percent of operations, and operations over 1 s in percent.
    ['hasura-errors', 5, 'GreaterThanThreshold', 3, 'notBreaching'],
    ['hasura-execution-time-p99', 1, 'GreaterThanThreshold', 3, 'notBreaching'],
    // The database alarms keep their state through the gaps of a reboot or failover ("ignore").
    ['database-cpu', 80, 'GreaterThanThreshold', 3, 'ignore'],
    ['database-cpu-credits', 30, 'LessThanThreshold', 3, 'ignore'],
    ['database-free-storage', 1 * 1024 ** 3, 'LessThanThreshold', 2, 'ignore'], // 5% of the 20 GiB allocated
    ['database-freeable-memory', Math.round(0.1 * 1024 ** 3), 'LessThanThreshold', 3, 'ignore'], // 10% of 1 GiB
    ['database-connections', Math.floor(0.8 * 84), 'GreaterThanThreshold', 3, 'ignore'], // 80% of t3.micro's estimate
  ])('%s: threshold %d, %s, %d periods, missing data %s', (suffix, threshold, comparison, periods, missing) => {
    expect(alarm(template, suffix)).toMatchObject({
      Threshold: threshold, ComparisonOperator: comparison, EvaluationPeriods: periods, TreatMissingData: missing,
    });
  });

  test('error alarms watch a rate of 5xx over requests; latency is p99; tasks come from Container Insights', () => {
    const rate = alarm(template, 'load-balancer-5xx').Metrics;
    expect(rate.find((m: any) => m.Expression).Expression).toBe('100 * FILL(errors, 0) / FILL(requests, 1)');
    expect(rate.map((m: any) => m.MetricStat?.Metric.MetricName).filter(Boolean).sort()).toEqual(['HTTPCode_ELB_5XX_Count', 'RequestCount']);
    const target = alarm(template, 'hasura-5xx').Metrics;
    expect(target.map((m: any) => m.MetricStat?.Metric.MetricName).filter(Boolean)).toContain('HTTPCode_Target_5XX_Count');
    expect(alarm(template, 'nextjs-latency-p99')).toMatchObject({ MetricName: 'TargetResponseTime', ExtendedStatistic: 'p99' });
    expect(alarm(template, 'hasura-running-tasks')).toMatchObject({ Namespace: 'ECS/ContainerInsights', MetricName: 'RunningTaskCount', Statistic: 'Minimum' });
    expect(alarm(template, 'database-cpu-credits')).toMatchObject({ Namespace: 'AWS/RDS', MetricName: 'CPUCreditBalance' });
  });

  test('Hasura\'s alarms watch shares of the operations its log records, counted by filters on its own log group', () => {
    const logGroup = stack.resolve(platform.hasura.logGroup.logGroupName);
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map((f: any) => f.Properties);
    expect(filters.map((f) => f.LogGroupName)).toEqual([logGroup, logGroup, logGroup]);
    expect(filters.map((f) => f.MetricTransformations[0])).toEqual(['Operations', 'Errors', 'SlowOperations']
      .map((name) => ({ MetricName: name, MetricNamespace: 'blog/Hasura', MetricValue: '1', Unit: 'Count' })));
    for (const [suffix, part] of [['hasura-errors', 'Errors'], ['hasura-execution-time-p99', 'SlowOperations']]) {
      const metrics = alarm(template, suffix).Metrics;
      expect(metrics.find((m: any) => m.Expression).Expression).toBe('100 * FILL(part, 0) / FILL(whole, 1)');
      expect(Object.fromEntries(metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, m.MetricStat.Metric.MetricName])))
        .toEqual({ part, whole: 'Operations' });
    }
  });

  test('the topic is encrypted with the platform key, TLS-only, with the e-mail subscription', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: stack.resolve(platform.encryptionKey.keyArn),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('the topic lets CloudWatch alarms of this account publish, and nobody else through that statement', () => {
    const policy = onlyResource(template, 'AWS::SNS::TopicPolicy').Properties.PolicyDocument;
    const alarms = policy.Statement.find((statement: any) => statement.Sid === 'AllowCloudWatchAlarmsToPublish');
    expect(alarms).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
    expect(JSON.stringify(alarms.Condition.ArnLike['aws:SourceArn'])).toContain(':cloudwatch:');
  });

  test('CloudWatch may use the platform key to publish', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowCloudWatchAlarmsToPublish',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        })]),
      },
    });
  });

  test('a dashboard named after the platform shows requests, latency, errors, services and the database', () => {
    const body = JSON.stringify(stack.resolve(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody));
    for (const title of ['Requests', 'Latency', 'Errors (5xx)', 'Service CPU', 'Service memory', 'Running tasks',
      'Database CPU', 'Database connections', 'Database free storage', 'Database freeable memory', 'Hasura operations, errors and slow operations']) {
      expect(body).toContain(title);
    }
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'blog' });
  });
});

test('thresholds are props', () => {
  const { template } = synthPlatform({
    platformName: 'blog',
    monitoring: {
      loadBalancerErrorPercent: 5,
      targetResponseTimeP99: Duration.millis(800),
      serviceCpuPercent: 70,
      databaseFreeStoragePercent: 20,
      databaseConnectionsPercent: 50,
      hasuraErrorPercent: 10,
      hasuraExecutionTimeP99: Duration.millis(500),
      dashboard: false,
    },
    database: { allocatedStorageGiB: 50, maxAllocatedStorageGiB: 100, instanceType: new ec2.InstanceType('m6g.large') },
  });
  expect(alarm(template, 'load-balancer-5xx').Threshold).toBe(5);
  expect(alarm(template, 'hasura-latency-p99').Threshold).toBe(0.8);
  expect(alarm(template, 'nextjs-cpu').Threshold).toBe(70);
  expect(alarm(template, 'database-free-storage').Threshold).toBe(10 * 1024 ** 3); // 20% of the 50 GiB allocated
  expect(alarm(template, 'database-freeable-memory').Threshold).toBe(Math.round(0.8 * 1024 ** 3));
  expect(alarm(template, 'hasura-errors').Threshold).toBe(10);
  // The option says which operations are slow; more than 1% of them slow is a p99 above it.
  expect(alarm(template, 'hasura-execution-time-p99').Threshold).toBe(1);
  expect(Object.values(template.findResources('AWS::Logs::MetricFilter')).map((f: any) => f.Properties.FilterPattern))
    .toContain('{ ($.type = "http-log") && ($.detail.operation.query_execution_time > 0.5) }');
  // Not burstable: no credit alarm.
  expect(Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'blog-database-cpu-credits' } }))).toHaveLength(0);
  template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
});

test('monitoring off: no alarm, topic or dashboard', () => {
  const { template } = synthPlatform();
  template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  template.resourceCountIs('AWS::SNS::Topic', 0);
  template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
});

test('a topic of your own is notified instead of a new one', () => {
  const stack = testStack();
  const topic = sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:us-east-1:123456789012:ops');
  new HasuraNextjsPlatform(stack, 'Platform', { nextjs: { image: NEXTJS_IMAGE }, monitoring: { alarmTopic: topic } });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::SNS::Topic', 0);
  for (const { Properties: p } of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
    expect(p.AlarmActions).toEqual(['arn:aws:sns:us-east-1:123456789012:ops']);
  }
});

test('stand-alone, with no key given, the topic gets a rotated key of its own', () => {
  const stack = new Stack();
  new PlatformMonitoring(stack, 'Monitoring', { platformName: 'solo' });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
});

describe('bad input names the prop', () => {
  test.each([
    ['monitoring.alarmEmails', { alarmEmails: ['not-an-address'] }],
    ['monitoring.serviceCpuPercent', { serviceCpuPercent: 120 }],
    ['monitoring.databaseConnectionsPercent', { databaseConnectionsPercent: 0 }],
    ['monitoring.unhealthyTargets', { unhealthyTargets: 0.5 }],
    ['monitoring.databaseCpuCreditBalance', { databaseCpuCreditBalance: -1 }],
    ['monitoring.targetResponseTimeP99', { targetResponseTimeP99: Duration.minutes(5) }],
    ['monitoring.hasuraErrorPercent', { hasuraErrorPercent: 0 }],
    ['monitoring.hasuraExecutionTimeP99', { hasuraExecutionTimeP99: Duration.seconds(0) }],
  ])('%s', (prop, monitoring) => {
    expect(() => synthPlatform({ monitoring })).toThrow(`Invalid ${prop}:`);
  });

  test('services[0].displayName', () => {
    const { platform } = synthPlatform();
    const stack = new Stack();
    expect(() => new PlatformMonitoring(stack, 'M', {
      platformName: 'x', services: [{ displayName: 'Hasura!', service: platform.hasura.service, minimumTasks: 1 }],
    })).toThrow('Invalid services[0].displayName: "Hasura!"');
  });

  test('every class the connection budget accepts has a freeable-memory alarm too (db.m5.large: 10% of 8 GiB)', () => {
    const { template } = synthPlatform({
      platformName: 'blog',
      monitoring: {},
      database: { instanceType: ec2.InstanceType.of(ec2.InstanceClass.M5, ec2.InstanceSize.LARGE) },
    });
    expect(alarm(template, 'database-freeable-memory').Threshold).toBe(Math.round(0.1 * 8 * 1024 ** 3));
  });

  test('database.memoryGiB for a class the library does not know', () => {
    const { platform } = synthPlatform();
    expect(() => new PlatformMonitoring(new Stack(), 'M', {
      platformName: 'x',
      database: { instance: platform.database.instance, instanceType: new ec2.InstanceType('x2g.large'), allocatedStorageGiB: 20, maxAllocatedStorageGiB: 100, maxConnections: 100 },
    })).toThrow('Invalid database.memoryGiB: undefined');
  });

  test('an imported key is left alone', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new PlatformMonitoring(stack, 'M', { platformName: 'x', encryptionKey: key });
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 0);
  });
});

test('hasura-blog-https watches every part of the request path, with a dashboard, budget and cross-region copies', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const template = Template.fromJSON(exampleTemplate('hasura-blog-https'));
  const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName).sort();
  expect(names).toEqual(['database-connections', 'database-cpu', 'database-cpu-credits', 'database-free-storage', 'database-freeable-memory',
    'hasura-5xx', 'hasura-cpu', 'hasura-errors', 'hasura-events-cpu', 'hasura-events-memory', 'hasura-events-running-tasks',
    'hasura-execution-time-p99', 'hasura-latency-p99', 'hasura-memory', 'hasura-running-tasks', 'hasura-unhealthy-targets',
    'load-balancer-5xx', 'nextjs-5xx', 'nextjs-cpu', 'nextjs-latency-p99', 'nextjs-memory', 'nextjs-running-tasks',
    'nextjs-unhealthy-targets'].map((suffix) => `hasura-blog-${suffix}`));
  template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  template.resourceCountIs('AWS::Budgets::Budget', 1);
  const [copy] = onlyResource(template, 'AWS::Backup::BackupPlan').Properties.BackupPlan.BackupPlanRule[0].CopyActions;
  expect(copy.DestinationBackupVaultArn['Fn::Join'][1].filter((part: unknown) => typeof part === 'string').join(''))
    .toMatch(/^arn::backup:us-west-2::backup-vault:hasura-blog-dr$/);
});

describe('the alarm catalogue', () => {
  /** The README's alarm table as the catalogue says it must read. */
  function renderedTable(): string {
    const missingData: { [key: string]: string } = {
      [cloudwatch.TreatMissingData.NOT_BREACHING]: 'not breaching',
      [cloudwatch.TreatMissingData.BREACHING]: 'breaching',
      [cloudwatch.TreatMissingData.IGNORE]: 'keep state',
      [cloudwatch.TreatMissingData.MISSING]: 'missing',
    };
    const rows = ALARM_CATALOGUE.map((entry) => [
      entry.doc.label,
      entry.doc.threshold.replace('{}', String(entry.defaultThreshold)),
      `${entry.evaluationPeriods} x ${entry.period.toMinutes()} min`,
      missingData[entry.treatMissingData],
      entry.doc.why,
    ]);
    return [
      '| alarm | default threshold | window | missing data | why this default |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    ].join('\n');
  }

  test('the README lists every alarm with its default, window and missing-data rule, as the catalogue has them', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(renderedTable());
  });

  test('every threshold option of the monitoring options is an alarm of the catalogue, and each is documented', () => {
    const options = ALARM_CATALOGUE.flatMap((entry) => entry.option ?? []);
    expect(new Set(options).size).toBe(options.length);
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'operations', 'monitoring-options.ts'), 'utf8');
    const declared = [...source.matchAll(/readonly (\w+)\?: (number|Duration);/g)].map((m) => m[1]);
    expect(declared.sort()).toEqual([...options].sort());
  });

  test('addAlarm notifies the topic both ways and names the alarm after the platform', () => {
    const stack = testStack();
    const monitoring = new PlatformMonitoring(stack, 'Monitoring', { platformName: 'shop', dashboard: false });
    monitoring.addAlarm('QueueDepth', {
      alarmName: 'orders-queue-depth',
      metric: new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible' }),
      threshold: 100,
      evaluationPeriods: 3,
      description: 'Orders wait in the queue.',
    });
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    const [properties] = Object.values<any>(alarms).map((a) => a.Properties);
    expect(properties).toMatchObject({
      AlarmName: 'shop-orders-queue-depth',
      Threshold: 100,
      EvaluationPeriods: 3,
      TreatMissingData: 'notBreaching',
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmDescription: 'Orders wait in the queue.',
    });
    expect(properties.AlarmActions).toEqual(properties.OKActions);
    expect(properties.AlarmActions).toHaveLength(1);
    expect(monitoring.alarms).toHaveLength(1);
  });
});

describe('the edge is watched', () => {
  const template = Template.fromJSON(exampleTemplate('mix-day'));
  const alarms = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
  const named = (suffix: string) => alarms.find((a) => a.AlarmName === `mix-day-${suffix}`);

  test('mix-day alarms on CloudFront\'s 5xx rate, with the dimensions CloudFront publishes it under (Region: Global)', () => {
    const cdn = named('cdn-5xx');
    expect(cdn).toMatchObject({ Namespace: 'AWS/CloudFront', MetricName: '5xxErrorRate', Threshold: 1, EvaluationPeriods: 2, TreatMissingData: 'notBreaching' });
    const distributionId = Object.keys(template.findResources('AWS::CloudFront::Distribution'))
      .find((id) => id.startsWith('PlatformCdn'))!;
    expect(cdn.Dimensions).toEqual(expect.arrayContaining([
      { Name: 'DistributionId', Value: { Ref: distributionId } }, { Name: 'Region', Value: 'Global' },
    ]));
  });

  test('mix-day alarms on the share of requests its CLOUDFRONT web ACL blocks (no Region dimension for that scope)', () => {
    const waf = named('waf-blocked');
    expect(waf).toMatchObject({ Threshold: 5, EvaluationPeriods: 3 });
    const metrics = waf.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);
    expect(metrics.map((m: any) => m.MetricName).sort()).toEqual(['AllowedRequests', 'BlockedRequests']);
    for (const metric of metrics) {
      expect(metric.Namespace).toBe('AWS/WAFV2');
      expect(metric.Dimensions).toEqual(expect.arrayContaining([{ Name: 'WebACL', Value: 'mix-day' }, { Name: 'Rule', Value: 'ALL' }]));
      expect(metric.Dimensions.map((d: any) => d.Name)).not.toContain('Region');
    }
  });

  test('outside us-east-1 the CDN alarm is left out with a warning, as CloudFront\'s metrics live only there', () => {
    const stack = new Stack(testStack().node.root as any, 'Frankfurt', { env: { account: '123456789012', region: 'eu-central-1' } });
    const monitoring = new PlatformMonitoring(stack, 'Monitoring', {
      platformName: 'shop',
      dashboard: false,
      distribution: { distributionId: 'E123', distributionDomainName: 'x.cloudfront.net' } as any,
    });
    expect(monitoring.alarms).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Frankfurt/Monitoring', Match.stringLikeRegexp('CloudFront publishes its metrics in us-east-1 only'));
  });
});
