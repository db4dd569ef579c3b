// The cost model: quantities counted from the platform's own resources, priced at list prices, and
// held against the synthesized templates so the model and the bill cannot drift apart.
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { productionProps } from '../../examples/hasura-blog-prod/main';
import { costLine, costTable, exampleNames } from '../../examples/synth-all';
import { HasuraNextjsPlatform, HasuraNextjsPlatformProps, PlatformCostModel, PlatformCostModelProps } from '../../src';
import { costInventory, resourcesOfTemplate } from '../../src/operations/cost-inventory';
import { DATABASE_CLASSES, INSTANCE_TYPES } from '../../src/operations/prices';
import { exampleTemplate, synthesizedExample } from '../examples/helpers';
import { minimalProps, testStack } from '../util';

/** The inventory of a platform built (not synthesized) from `props`. */
function inventoryOf(props: HasuraNextjsPlatformProps): PlatformCostModelProps {
  const platform = new HasuraNextjsPlatform(testStack(), 'Platform', props);
  return PlatformCostModel.inventory(platform);
}

/** An inventory read back from a JSON copy (the examples' shared synthesis) into the model's input. */
function revived(json: unknown): PlatformCostModelProps {
  const props = json as any;
  const architecture = (value: any) => (value?._cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64);
  return {
    ...props,
    services: props.services.map((service: any) => ({ ...service, cpuArchitecture: architecture(service.cpuArchitecture) })),
    database: { ...props.database, instanceType: new ec2.InstanceType(props.database.instanceType.instanceTypeIdentifier) },
    databaseReplicas: props.databaseReplicas.map((r: any) => ({ ...r, instanceType: new ec2.InstanceType(r.instanceType.instanceTypeIdentifier) })),
    instances: props.instances.map((i: any) => ({ ...i, instanceType: new ec2.InstanceType(i.instanceType.instanceTypeIdentifier) })),
  };
}

const production = () => inventoryOf(productionProps());
const lines = (props: PlatformCostModelProps, category: string) =>
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
    ['Secrets Manager', 2.4], // 6 x 0.40: the master's, Hasura's role's, admin, JWT, webhook, NextAuth
    ['KMS', 1],
    ['CloudWatch', 15.6], // Container Insights: 2 services x 26 metrics x 0.30
    ['CloudWatch', 2.5], // 5 GB x 0.50
    ['CloudWatch', 0.21], // Enhanced Monitoring every 60 s: 43,800 samples x 10 KB = 0.42 GB x 0.50
  ]);
  expect(estimate.totalMonthlyUsd).toBe(212.7);
  expect(estimate.region).toBe('us-east-1');
  expect(estimate.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(estimate.assumptions.join(' ')).toContain('20 GB');
});

test.each(exampleNames())('%s: the model counts exactly what the synthesized templates hold', (name) => {
  const { platformTemplates, stackInventories } = synthesizedExample(name);
  expect(Object.keys(stackInventories).length).toBeGreaterThan(0);
  for (const [label, template] of Object.entries(platformTemplates)) {
    expect([label, stackInventories[label]]).toEqual([label, JSON.parse(JSON.stringify(costInventory(resourcesOfTemplate(template))))]);
  }
});

test('hasura-blog-https: the replica its recovery region keeps is counted as the templates hold it, and priced like its database', () => {
  const { platformTemplates, recoveryTemplates, recoveryInventories } = synthesizedExample('hasura-blog-https');
  const resources = [...resourcesOfTemplate(platformTemplates['hasura-blog-https']),
    ...resourcesOfTemplate(recoveryTemplates['hasura-blog-https HasuraBlogHttpsRecovery'])];
  expect(recoveryInventories['hasura-blog-https']).toEqual(JSON.parse(JSON.stringify(costInventory(resources))));
  const inventory = revived(recoveryInventories['hasura-blog-https']);
  // The replica inherits the source's 20 GB; it is single-AZ where its source is Multi-AZ.
  expect(inventory.databaseReplicas!.map((r) => [r.instanceType.toString(), r.multiAz, r.allocatedStorageGiB])).toEqual([['t4g.small', false, 20]]);
  const replicaLines = lines(inventory, 'RDS').filter((item) => item.description.startsWith('read replica'));
  expect(replicaLines.map((item) => item.monthlyUsd)).toEqual([23.36, 2.3]); // 0.032 x 730, 20 GB x 0.115
  // The recovery region adds the replica, its alarm and its key to the platform's own model.
  expect(synthesizedExample('hasura-blog-https').platformCosts.map((cost) => cost.label)).toEqual(['platform', 'recovery region']);
});

test('every database class is priced at its us-east-1 list price (PostgreSQL, single-AZ, on demand)', () => {
  // AWS price list for RDS for PostgreSQL, us-east-1, recorded 2026-11-22.
  const listPrices: { [instanceClass: string]: number } = {
    't3.micro': 0.018,
    't3.small': 0.036,
    't3.medium': 0.072,
    't4g.micro': 0.016,
    't4g.small': 0.032,
    't4g.medium': 0.065,
    'm6g.large': 0.152,
    'm7g.large': 0.168,
    'r6g.large': 0.225,
  };
  expect(Object.fromEntries([...DATABASE_CLASSES].map(([name, facts]) => [name, facts.hourlyUsd]))).toEqual(listPrices);
  for (const [instanceClass, hourly] of Object.entries(listPrices)) {
    const props = { ...production(), database: { instanceType: new ec2.InstanceType(instanceClass), multiAz: false, allocatedStorageGiB: 20 } };
    expect(lines(props, 'RDS')[0].monthlyUsd).toBe(Math.round(hourly * 730 * 100) / 100);
  }
});

test('Multi-AZ doubles the instance and its storage', () => {
  const rds = lines({ ...production(), database: { ...production().database, multiAz: true } }, 'RDS');
  expect(rds.map((item) => item.monthlyUsd)).toEqual([26.28, 4.6]);
});

test('Fargate Spot prices only the tasks beyond the on-demand one, and Graviton its own rate', () => {
  const inventory = inventoryOf(minimalProps({ nextjs: { ...minimalProps().nextjs, fargateSpot: true, desiredCount: 3 } }));
  expect(inventory.services.find((s) => s.name === 'nextjs')).toMatchObject({ taskCount: 3, spotTaskCount: 2 });
  const fargate = lines({ ...inventory, assumptions: { fargateSpotDiscountPercent: 50 } }, 'Fargate');
  expect(fargate.map((item) => [item.description.split(' task')[0], item.monthlyUsd])).toEqual([
    ['hasura: 2 x x86_64 on-demand', 36.04],
    ['nextjs: 1 x x86_64 on-demand', 18.02], // (0.5 x 0.04048 + 1 x 0.004445) x 730
    ['nextjs: 2 x x86_64 Spot', 18.02], // twice that, at half price
  ]);
  const arm = inventoryOf(minimalProps({ hasura: { cpuArchitecture: ecs.CpuArchitecture.ARM64, cpu: 1024, memoryLimitMiB: 2048, desiredCount: 1 } }));
  expect(lines(arm, 'Fargate')[0].monthlyUsd).toBe(28.84); // (0.03238 + 2 x 0.00356) x 730
});

test('an autoscaled service is modeled at its floor', () => {
  const inventory = inventoryOf(minimalProps({ hasura: { autoScaling: { minTasks: 3, maxTasks: 6 } } }));
  expect(inventory.services[0]).toMatchObject({ name: 'hasura', taskCount: 3 });
});

test('Performance Insights: its 7 days are free, longer history is priced per vCPU of each copy, from the template', () => {
  const on = inventoryOf({ ...productionProps(), database: { ...productionProps().database, performanceInsights: true } });
  expect(on.database.performanceInsightsRetentionDays).toBe(7);
  expect(lines(on, 'RDS').map((item) => [item.description, item.monthlyUsd])[2]).toEqual(['Performance Insights, 7 days of history (free)', 0]);
  const threeMonths = { ...on, database: { ...on.database, performanceInsightsRetentionDays: 93, multiAz: true } };
  // 2 vCPUs x 2 copies x (1.7561 + 2 x 0.0739)
  expect(lines(threeMonths, 'RDS')[2].monthlyUsd).toBe(7.62);
  expect(lines({ ...on, database: { ...on.database, performanceInsightsRetentionDays: 731 } }, 'RDS')[2].description).toContain('24 month(s)');
  expect(production().database.performanceInsightsRetentionDays).toBeUndefined();
});

test('Enhanced Monitoring is priced as the log data its interval writes; off costs nothing', () => {
  const every = (seconds: number) => {
    const database = { ...productionProps().database, enhancedMonitoringInterval: Duration.seconds(seconds) };
    const props = inventoryOf({ ...productionProps(), database });
    return lines(props, 'CloudWatch').filter((item) => item.description.startsWith('Enhanced Monitoring')).map((item) => item.monthlyUsd);
  };
  expect(every(60)).toEqual([0.21]);
  expect(every(1)).toEqual([12.53]); // 2,628,000 samples x 10 KB = 25.06 GB x 0.50
  expect(every(0)).toEqual([]);
});

test('traces are priced per trace X-Ray records: the sampling ratio of the traced service, of the requests assumed', () => {
  const inventory = revived(synthesizedExample('hasura-blog-https').stackInventories['hasura-blog-https']);
  expect(inventory.traceSamplingRatio).toBe(0.05);
  expect(lines({ ...inventory, assumptions: { requestsMillions: 10 } }, 'X-Ray').map((item) => item.monthlyUsd)).toEqual([2.5]); // 0.5 million x 5.00
  expect(production().traceSamplingRatio).toBe(0);
  expect(lines(production(), 'X-Ray')).toEqual([]);
});

test('metric filters are priced as custom metrics: the Hasura log metrics of the monitoring', () => {
  const inventory = inventoryOf({ ...productionProps(), monitoring: {} });
  expect(inventory.logMetrics).toBe(3);
  expect(lines(inventory, 'CloudWatch').find((item) => item.description.includes('metric filters'))!.monthlyUsd).toBe(0.9);
});

test('Container Insights is priced per service, and not at all when it is off', () => {
  expect(production().containerInsightsMetrics).toBe(52);
  expect(inventoryOf({ ...productionProps(), containerInsights: false }).containerInsightsMetrics).toBe(0);
});

test('an internal load balancer behind CloudFront holds no public address; the WAF is priced by its rules', () => {
  const inventory = revived(synthesizedExample('mix-day').stackInventories['mix-day']);
  expect(inventory.publicIpv4Addresses).toBe(2); // the two NAT gateways' Elastic IPs
  expect(inventory.webAcls).toBe(1);
  const rules = Object.values<any>(exampleTemplate('mix-day').Resources).find((r) => r.Type === 'AWS::WAFv2::WebACL').Properties.Rules;
  expect(inventory.webAclRules).toBe(rules.length);
  expect(lines(inventory, 'WAF').map((item) => item.monthlyUsd)).toEqual([5 + rules.length, 0.6]);
});

test('the shared cache is counted from the template and priced at the least storage it bills and the ECPUs of the requests', () => {
  const inventory = revived(synthesizedExample('mix-day').stackInventories['mix-day']);
  const caches = Object.values<any>(exampleTemplate('mix-day').Resources).filter((r) => r.Type === 'AWS::ElastiCache::ServerlessCache');
  expect(inventory.resourceCounts).toEqual({ valkeyServerlessCaches: caches.length });
  // 0.1 GB x $0.084/GB-hour x 730 h, and 1 million requests x 2 ECPUs x $0.0023 per million (rounded to cents).
  expect(lines(inventory, 'ElastiCache').map((item) => item.monthlyUsd)).toEqual([6.13, 0]);
  expect(lines({ ...inventory, assumptions: { requestsMillions: 1000 } }, 'ElastiCache').map((item) => item.monthlyUsd)).toEqual([6.13, 4.6]);
  expect(lines(production(), 'ElastiCache')).toEqual([]);
});

test('NAT instances are priced with their root volumes and public addresses, instead of NAT gateways', () => {
  const inventory = revived(synthesizedExample('hasura-blog-lean').stackInventories['hasura-blog-lean']);
  expect(inventory.natGateways).toBe(0);
  expect(inventory.publicIpv4Addresses).toBe(4); // two NAT instances and the load balancer in two zones
  const estimate = PlatformCostModel.estimate(inventory);
  expect(estimate.lineItems.filter((item) => item.category === 'EC2').map((item) => item.monthlyUsd))
    .toEqual([6.13, 1.28]); // 2 x 0.0042 x 730; 16 GB x 0.08
  expect(INSTANCE_TYPES.get('t4g.nano')).toBe(0.0042);
});

test('every NAT instance type is priced at its us-east-1 list price (Linux, on demand)', () => {
  // AWS price list for EC2, us-east-1, recorded 2026-11-22.
  const listPrices: { [instanceType: string]: number } = {
    't4g.nano': 0.0042,
    't4g.micro': 0.0084,
    't4g.small': 0.0168,
    't3.nano': 0.0052,
    't3.micro': 0.0104,
    't3.small': 0.0208,
  };
  expect(Object.fromEntries(INSTANCE_TYPES)).toEqual(listPrices);
});

test('an existing VPC brings no NAT gateway of the platform', () => {
  const stack = testStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const platform = new HasuraNextjsPlatform(stack, 'Platform', minimalProps({ vpc }));
  expect(PlatformCostModel.inventory(platform).natGateways).toBe(0);
  expect(PlatformCostModel.inventory(stack).natGateways).toBe(1);
});

describe('bad input names the prop', () => {
  test.each([
    ['database.instanceType', { ...production(), database: { ...production().database, instanceType: new ec2.InstanceType('x2g.large') } }],
    ['databaseReplicas[0].instanceType', { ...production(), databaseReplicas: [{ ...production().database, instanceType: new ec2.InstanceType('x2g.large') }] }],
    ['services[0].cpu', { ...production(), services: [{ name: 'a', cpu: 100, memoryLimitMiB: 512, taskCount: 1 }] }],
    ['services[0].spotTaskCount', { ...production(), services: [{ name: 'a', cpu: 256, memoryLimitMiB: 512, taskCount: 1, spotTaskCount: 2 }] }],
    ['natGateways', { ...production(), natGateways: -1 }],
    ['instances[0].instanceType', { ...production(), instances: [{ instanceType: new ec2.InstanceType('c5.large'), rootVolumeGiB: 8 }] }],
    ['assumptions.fargateSpotDiscountPercent', { ...production(), assumptions: { fargateSpotDiscountPercent: 100 } }],
    ['assumptions.natDataProcessedGb', { ...production(), assumptions: { natDataProcessedGb: -5 } }],
    ['database.performanceInsightsRetentionDays', { ...production(), database: { ...production().database, performanceInsightsRetentionDays: 30 } }],
    ['database.enhancedMonitoringIntervalSeconds', { ...production(), database: { ...production().database, enhancedMonitoringIntervalSeconds: 20 } }],
    ['logMetrics', { ...production(), logMetrics: 1.5 }],
    ['traceSamplingRatio', { ...production(), traceSamplingRatio: 2 }],
    ['assumptions.enhancedMonitoringSampleKb', { ...production(), assumptions: { enhancedMonitoringSampleKb: -1 } }],
    ['resourceCounts', { ...production(), resourceCounts: { redisClusters: 1 } }],
    ['resourceCounts.valkeyServerlessCaches', { ...production(), resourceCounts: { valkeyServerlessCaches: 0.5 } }],
  ])('%s', (prop, props) => {
    expect(() => PlatformCostModel.estimate(props as PlatformCostModelProps)).toThrow(`Invalid ${prop}:`);
  });
});

test('the README\'s cost table is the model\'s figures for every example (`npm run synth:examples -- --cost-table` prints it)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const costs = new Map(exampleNames().map((name) => [name, costLine(synthesizedExample(name).platformCosts)]));
  expect(readme).toContain(costTable(costs));
});
