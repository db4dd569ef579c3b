import * as fs from 'fs';
import * as path from 'path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { productionProps } from '../../examples/hasura-blog-prod/main';
import { exampleNames } from '../../examples/synth-all';
import { PlatformCostModel, PlatformCostModelProps } from '../../src';
import { costModelPropsOf } from '../../src/operations/platform-cost';
import { synthesizedExample } from '../examples/helpers';
import { synthPlatform } from '../util';
import { costOptimizedProfile } from './cost-profiles';

const production = () => costModelPropsOf(productionProps());
const line = (props: PlatformCostModelProps, category: string) =>
  PlatformCostModel.estimate(props).lineItems.filter((item) => item.category === category);

test('the production configuration is modeled line by line at list prices', () => {
  const estimate = PlatformCostModel.estimate(production());
  expect(estimate.lineItems.map((item) => [item.category, item.monthlyUsd])).toEqual([
    ['Fargate', 36.04], // 2 x (0.5 x 0.04048 + 1 x 0.004445) x 730
    ['Fargate', 36.04],
    ['RDS', 13.14], // 0.018 x 730
    ['RDS', 2.3], // 20 GB x 0.115
    ['Load balancer', 16.43], // 0.0225 x 730
    ['Load balancer', 5.84], // 1 LCU x 0.008 x 730
    ['NAT gateway', 65.7], // 2 x 0.045 x 730
    ['NAT gateway', 0.9], // 20 GB x 0.045
    ['Public IPv4', 14.6], // (2 load balancer + 2 NAT) x 0.005 x 730
    ['Secrets Manager', 1.6],
    ['KMS', 1],
    ['CloudWatch', 2.5],
  ]);
  expect(estimate.totalMonthlyUsd).toBe(196.09);
  expect(estimate.region).toBe('us-east-1');
  expect(estimate.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(estimate.assumptions.join(' ')).toContain('20 GB');
});

test('Multi-AZ doubles the instance and its storage', () => {
  const rds = line({ ...production(), database: { ...production().database, multiAz: true } }, 'RDS');
  expect(rds.map((item) => item.monthlyUsd)).toEqual([26.28, 4.6]);
});

test('Graviton and Fargate Spot lower the Fargate lines', () => {
  const props: PlatformCostModelProps = {
    ...production(),
    services: [
      { name: 'arm', cpu: 1024, memoryLimitMiB: 2048, taskCount: 1, cpuArchitecture: ecs.CpuArchitecture.ARM64 },
      { name: 'spot', cpu: 1024, memoryLimitMiB: 2048, taskCount: 1, fargateSpot: true },
    ],
    assumptions: { fargateSpotDiscountPercent: 50 },
  };
  const [arm, spot] = line(props, 'Fargate');
  expect(arm.monthlyUsd).toBe(28.84); // (0.03238 + 2 x 0.00356) x 730
  expect(spot.monthlyUsd).toBe(18.02); // (0.04048 + 2 x 0.004445) x 730 / 2
  expect(spot.description).toContain('Spot');
});

test('monitoring adds the alarm metrics and the dashboard', () => {
  const cloudwatch = line(costModelPropsOf({ ...productionProps(), monitoring: {} }), 'CloudWatch');
  // 18 alarms on 21 metrics: the three error-rate alarms watch two metrics each.
  expect(cloudwatch.map((item) => [item.description.split(' (')[0], item.monthlyUsd])).toEqual([
    ['21 alarm metric(s)', 2.1], ['1 dashboard(s)', 3], ['5 GB of logs ingested', 2.5],
  ]);
});

test('the alarm metrics counted are the alarms created', () => {
  const { platform, template } = synthPlatform({ monitoring: {} });
  let metrics = 0;
  for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
    metrics += alarm.Properties.Metrics ? alarm.Properties.Metrics.filter((m: any) => m.MetricStat).length : 1;
  }
  expect(platform.costEstimate().lineItems.find((item) => item.description.includes('alarm metric'))!.description)
    .toContain(`${metrics} alarm metric(s)`);
});

test('an existing VPC brings no NAT gateways of the platform', () => {
  const { platform } = synthPlatform();
  expect(platform.costEstimate().lineItems.filter((item) => item.category === 'NAT gateway')).toHaveLength(2);
  const stackVpc = platform.vpc;
  const estimate = PlatformCostModel.estimate(costModelPropsOf({ nextjs: productionProps().nextjs, vpc: stackVpc }));
  expect(estimate.lineItems.filter((item) => item.category === 'NAT gateway')).toEqual([]);
});

test('the cost-optimized profile is at least 30% cheaper than hasura-blog-prod', () => {
  const optimized = PlatformCostModel.estimate(costOptimizedProfile()).totalMonthlyUsd;
  expect(optimized).toBeLessThanOrEqual(0.7 * PlatformCostModel.estimate(production()).totalMonthlyUsd);
});

describe('bad input names the prop', () => {
  test.each([
    ['database.instanceType', { ...production(), database: { ...production().database, instanceType: new ec2.InstanceType('x2g.large') } }],
    ['services[0].cpu', { ...production(), services: [{ name: 'a', cpu: 100, memoryLimitMiB: 512, taskCount: 1 }] }],
    ['natGateways', { ...production(), natGateways: -1 }],
    ['assumptions.fargateSpotDiscountPercent', { ...production(), assumptions: { fargateSpotDiscountPercent: 100 } }],
    ['assumptions.natDataProcessedGb', { ...production(), assumptions: { natDataProcessedGb: -5 } }],
  ])('%s', (prop, props) => {
    expect(() => PlatformCostModel.estimate(props as PlatformCostModelProps)).toThrow(`Invalid ${prop}:`);
  });
});

describe('the README cost table', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Cost'));
  const rows = new Map([...section.matchAll(/^\| `?([\w -]+?)`? \|.*\| \$(\d+)\/month \|$/gm)].map((m) => [m.at(1)!, Number(m.at(2))]));

  test.each(exampleNames())('shows what the model says for %s', (name) => {
    expect(rows.get(name)).toBe(synthesizedExample(name).monthlyUsd);
  });

  test('shows the cost-optimized profile', () => {
    expect(rows.get('cost-optimized profile')).toBe(Math.round(PlatformCostModel.estimate(costOptimizedProfile()).totalMonthlyUsd));
  });
});
