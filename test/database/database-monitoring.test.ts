// Performance Insights and Enhanced Monitoring: off and every 60 seconds by default, encrypted with the
// platform key when on, turned off without dropping the key, and refused at synth where RDS refuses.
import { Duration, Stack } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { HasuraNextjsPlatform } from '../../src';
import { minimalProps, onlyResource, synthPlatform, testStack } from '../util';

function database(props: Parameters<typeof synthPlatform>[0]): { stack: Stack; platform: HasuraNextjsPlatform; instance: any; roles: number } {
  const { stack, platform, template } = synthPlatform(props);
  const roles = Object.values(template.findResources('AWS::IAM::Role'))
    .filter((role: any) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('monitoring.rds.amazonaws.com')).length;
  return { stack, platform, instance: onlyResource(template, 'AWS::RDS::DBInstance').Properties, roles };
}

test('by default: Enhanced Monitoring every 60 seconds with its role, no Performance Insights', () => {
  const { instance, roles } = database({});
  expect(instance.MonitoringInterval).toBe(60);
  expect(roles).toBe(1);
  expect(instance.MonitoringRoleArn).toBeDefined();
  expect(instance.EnablePerformanceInsights).toBeUndefined();
  expect(instance.PerformanceInsightsKMSKeyId).toBeUndefined();
});

test('Performance Insights on the default db.t3.micro (PostgreSQL supports every class): 7 days, the platform key', () => {
  const { stack, platform, instance } = database({ database: { performanceInsights: true } });
  expect(instance.DBInstanceClass).toBe('db.t3.micro');
  expect(instance).toMatchObject({ EnablePerformanceInsights: true, PerformanceInsightsRetentionPeriod: 7 });
  expect(instance.PerformanceInsightsKMSKeyId).toEqual(stack.resolve(platform.encryptionKey.keyArn));
});

test('longer retention and a shorter interval are the props given', () => {
  const { instance } = database({
    database: {
      performanceInsights: true,
      performanceInsightsRetention: rds.PerformanceInsightRetention.MONTHS_3,
      enhancedMonitoringInterval: Duration.seconds(15),
    },
  });
  expect(instance).toMatchObject({ PerformanceInsightsRetentionPeriod: 93, MonitoringInterval: 15 });
});

test('turned off with false, Performance Insights keeps its key, so CloudFormation switches it off in place', () => {
  const { stack, platform, instance } = database({ database: { performanceInsights: false } });
  expect(instance.EnablePerformanceInsights).toBe(false);
  expect(instance.PerformanceInsightsRetentionPeriod).toBeUndefined();
  expect(instance.PerformanceInsightsKMSKeyId).toEqual(stack.resolve(platform.encryptionKey.keyArn));
});

test('Enhanced Monitoring at 0 is off: no role, and the compliance rules that want it are acknowledged with a reason', () => {
  const { platform, instance, roles } = database({ database: { enhancedMonitoringInterval: Duration.seconds(0) } });
  expect(instance.MonitoringInterval).toBe(0);
  expect(instance.MonitoringRoleArn).toBeUndefined();
  expect(roles).toBe(0);
  const acknowledged = platform.database.instance.node.metadata.flatMap((entry) => Object.keys(entry.data ?? {}));
  expect(acknowledged.join(' ')).toContain('NIST.800.53.R5-RDSEnhancedMonitoringEnabled');
});

describe('bad input names the prop', () => {
  test.each([
    ['an interval RDS does not sample at', { enhancedMonitoringInterval: Duration.seconds(20) },
      /^Invalid database\.enhancedMonitoringInterval: "20 seconds"\. RDS samples every 1, 5, 10, 15, 30, 60 seconds, or 0/],
    ['a retention without Performance Insights', { performanceInsightsRetention: rds.PerformanceInsightRetention.MONTHS_1 },
      /^Invalid database\.performanceInsightsRetention: 31\. Performance Insights keeps data only while it is on: set database\.performanceInsights to true/],
  ])('%s', (_name, databaseProps, message) => {
    expect(() => new HasuraNextjsPlatform(testStack(), 'Platform', minimalProps({ database: databaseProps }))).toThrow(message);
  });
});
