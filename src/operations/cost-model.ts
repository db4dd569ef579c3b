import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IConstruct } from 'constructs';
import { costInventory, resourcesOfTree } from './cost-inventory';
import { CostEstimate, CostLineItem, DatabaseCostProfile, PlatformCostModelProps, ServiceCostProfile } from './cost-model-options';
import { PRICED_RESOURCES } from './priced-resources';
import { DATABASE_CLASSES, HOURS_PER_MONTH, INSTANCE_TYPES, PRICE_REGION, PRICES, PRICES_AS_OF } from './prices';
import { ENHANCED_MONITORING_INTERVALS } from '../database/database-checks';
import { checkInteger, invalid } from '../private/validation';

const DEFAULT_ASSUMPTIONS = {
  natDataProcessedGb: 20,
  loadBalancerCapacityUnits: 1,
  logIngestionGb: 5,
  fargateSpotDiscountPercent: 70,
  requestsMillions: 1,
  enhancedMonitoringSampleKb: 10,
};

/**
 * The modeled monthly cost of a platform at us-east-1 on-demand list prices, line by line. It is a
 * model, not a bill: usage-driven lines rest on stated assumptions, and data transfer out to the
 * internet, backup storage beyond the free allowance, burst CPU credits and Route 53 are not
 * included. Free tiers and savings plans are not applied.
 */
export class PlatformCostModel {
  /**
   * What the resources under `scope` (a platform, or a whole stack) cost per month, counted from the
   * resources themselves as they will be synthesized: task sizes and counts, the capacity-provider
   * split, NAT gateways, public addresses, the database, secrets, keys, alarms, Container Insights,
   * web ACL rules and distributions.
   */
  public static inventory(scope: IConstruct): PlatformCostModelProps {
    return PlatformCostModel.inventoryOf([scope]);
  }

  /**
   * What the resources under all of `scopes` together cost per month, counted as `inventory` counts
   * them: for instance a platform and the `PlatformRecoveryRegion` that keeps a replica of its database.
   */
  public static inventoryOf(scopes: IConstruct[]): PlatformCostModelProps {
    return costInventory(scopes.flatMap(resourcesOfTree));
  }

  /** The estimate for `props`. */
  public static estimate(props: PlatformCostModelProps): CostEstimate {
    validateCostModelProps(props);
    const assumptions = { ...DEFAULT_ASSUMPTIONS, ...definedOnly(props.assumptions ?? {}) };
    const monthly = (hourly: number) => hourly * HOURS_PER_MONTH;
    const lines: CostLineItem[] = [];
    const add = (category: string, description: string, usd: number) => {
      lines.push({ category, description, monthlyUsd: cents(usd) });
    };

    for (const service of props.services) {
      const spotTasks = service.spotTaskCount ?? 0;
      for (const [tasks, spot] of [[service.taskCount - spotTasks, false], [spotTasks, true]] as const) {
        if (tasks > 0 || (!spot && service.taskCount === 0)) {
          const { hourly, label } = fargateTaskHour(service, spot, assumptions.fargateSpotDiscountPercent);
          add('Fargate', `${service.name}: ${tasks} x ${label} task(s) of ${service.cpu / 1024} vCPU / `
            + `${service.memoryLimitMiB / 1024} GB`, monthly(hourly) * tasks);
        }
      }
    }

    const databases = [{ database: props.database, role: '' },
      ...(props.databaseReplicas ?? []).map((database) => ({ database, role: 'read replica ' }))];
    for (const { database, role } of databases) {
      const instanceClass = database.instanceType.toString();
      const facts = DATABASE_CLASSES.get(instanceClass)!;
      const copies = database.multiAz ? 2 : 1;
      const deployment = database.multiAz ? 'Multi-AZ' : 'single-AZ';
      add('RDS', `${role}db.${instanceClass} ${deployment} ($${facts.hourlyUsd}/h x ${copies})`, monthly(facts.hourlyUsd) * copies);
      add('RDS', `${role}${database.allocatedStorageGiB} GB gp3 storage ${deployment} ($${PRICES.gp3GbMonth}/GB-month x ${copies})`,
        database.allocatedStorageGiB * PRICES.gp3GbMonth * copies);
      const retentionDays = database.performanceInsightsRetentionDays;
      if (retentionDays !== undefined) {
        add('RDS', ...performanceInsightsLine(retentionDays, facts.vcpus * copies));
      }
    }

    const loadBalancers = props.loadBalancers ?? 1;
    if (loadBalancers > 0) {
      add('Load balancer', `${loadBalancers} Application Load Balancer(s) ($${PRICES.loadBalancerHour}/h each)`,
        monthly(PRICES.loadBalancerHour) * loadBalancers);
      add('Load balancer', `${assumptions.loadBalancerCapacityUnits} LCU on average each (assumed, $${PRICES.loadBalancerCapacityUnitHour}/LCU-h)`,
        monthly(PRICES.loadBalancerCapacityUnitHour) * assumptions.loadBalancerCapacityUnits * loadBalancers);
    }

    if (props.natGateways > 0) {
      add('NAT gateway', `${props.natGateways} NAT gateway(s) ($${PRICES.natGatewayHour}/h each)`,
        monthly(PRICES.natGatewayHour) * props.natGateways);
      add('NAT gateway', `${assumptions.natDataProcessedGb} GB processed (assumed, $${PRICES.natGatewayGb}/GB)`,
        assumptions.natDataProcessedGb * PRICES.natGatewayGb);
    }

    for (const [instanceType, count] of countBy((props.instances ?? []).map((i) => i.instanceType.toString()))) {
      const hourly = INSTANCE_TYPES.get(instanceType)!;
      add('EC2', `${count} x ${instanceType} NAT instance(s) ($${hourly}/h each)`, monthly(hourly) * count);
    }
    const volumeGiB = (props.instances ?? []).reduce((sum, instance) => sum + instance.rootVolumeGiB, 0);
    if (volumeGiB > 0) {
      add('EC2', `${volumeGiB} GB of gp3 root volumes ($${PRICES.ebsGp3GbMonth}/GB-month)`, volumeGiB * PRICES.ebsGp3GbMonth);
    }
    if (props.publicIpv4Addresses > 0) {
      add('Public IPv4', `${props.publicIpv4Addresses} address(es): NAT addresses and one per zone of an internet-facing`
        + ` load balancer ($${PRICES.publicIpv4Hour}/h each)`, monthly(PRICES.publicIpv4Hour) * props.publicIpv4Addresses);
    }

    add('Secrets Manager', `${props.secrets} secret(s) ($${PRICES.secretMonth.toFixed(2)}/month each)`, props.secrets * PRICES.secretMonth);
    if (props.kmsKeys > 0) {
      add('KMS', `${props.kmsKeys} customer managed key(s) ($${PRICES.kmsKeyMonth.toFixed(2)}/month each)`, props.kmsKeys * PRICES.kmsKeyMonth);
    }
    const alarmMetrics = props.alarmMetrics ?? 0;
    if (alarmMetrics > 0) {
      add('CloudWatch', `${alarmMetrics} alarm metric(s) ($${PRICES.alarmMetricMonth.toFixed(2)}/month each)`,
        alarmMetrics * PRICES.alarmMetricMonth);
    }
    const dashboards = props.dashboards ?? 0;
    if (dashboards > 0) {
      add('CloudWatch', `${dashboards} dashboard(s) ($${PRICES.dashboardMonth.toFixed(2)}/month each)`, dashboards * PRICES.dashboardMonth);
    }
    const insightsMetrics = props.containerInsightsMetrics ?? 0;
    if (insightsMetrics > 0) {
      add('CloudWatch', `${insightsMetrics} Container Insights metrics ($${PRICES.customMetricMonth.toFixed(2)}/month each)`,
        insightsMetrics * PRICES.customMetricMonth);
    }
    const logMetrics = props.logMetrics ?? 0;
    if (logMetrics > 0) {
      add('CloudWatch', `${logMetrics} metric(s) from log metric filters ($${PRICES.customMetricMonth.toFixed(2)}/month each)`,
        logMetrics * PRICES.customMetricMonth);
    }
    add('CloudWatch', `${assumptions.logIngestionGb} GB of logs ingested (assumed, $${PRICES.logIngestionGb.toFixed(2)}/GB)`,
      assumptions.logIngestionGb * PRICES.logIngestionGb);
    const monitoringSeconds = props.database.enhancedMonitoringIntervalSeconds ?? 0;
    if (monitoringSeconds > 0) {
      const gb = (HOURS_PER_MONTH * 3600 / monitoringSeconds) * assumptions.enhancedMonitoringSampleKb / (1024 * 1024);
      add('CloudWatch', `Enhanced Monitoring every ${monitoringSeconds} s: ${gb.toFixed(2)} GB of OS metrics into CloudWatch Logs`
        + ` (assumed ${assumptions.enhancedMonitoringSampleKb} KB a sample, $${PRICES.logIngestionGb.toFixed(2)}/GB)`, gb * PRICES.logIngestionGb);
    }
    const webAcls = props.webAcls ?? 0;
    if (webAcls > 0) {
      add('WAF', `${webAcls} web ACL(s) with ${props.webAclRules ?? 0} rule(s) ($${PRICES.webAclMonth.toFixed(2)} each, `
        + `$${PRICES.webAclRuleMonth.toFixed(2)} per rule)`, webAcls * PRICES.webAclMonth + (props.webAclRules ?? 0) * PRICES.webAclRuleMonth);
      add('WAF', `${assumptions.requestsMillions} million requests inspected (assumed, $${PRICES.webAclRequestsMillion.toFixed(2)}/million)`,
        webAcls * assumptions.requestsMillions * PRICES.webAclRequestsMillion);
    }
    const traceRatio = props.traceSamplingRatio ?? 0;
    if (traceRatio > 0) {
      const traces = assumptions.requestsMillions * traceRatio;
      add('X-Ray', `${cents(traces)} million traces recorded (${cents(traceRatio * 100)}% of ${assumptions.requestsMillions} million requests,`
        + ` assumed; $${PRICES.xrayTracesMillion.toFixed(2)}/million)`, traces * PRICES.xrayTracesMillion);
    }
    const distributions = props.distributions ?? 0;
    if (distributions > 0) {
      add('CloudFront', `${assumptions.requestsMillions} million HTTPS requests (assumed, $${PRICES.cloudFrontHttpsRequests10k}/10,000)`,
        distributions * assumptions.requestsMillions * 100 * PRICES.cloudFrontHttpsRequests10k);
    }

    for (const kind of PRICED_RESOURCES) {
      const count = props.resourceCounts?.[kind.key] ?? 0;
      if (count > 0) {
        kind.lines(count, assumptions).forEach(([description, usd]) => add(kind.category, description, usd));
      }
    }

    return {
      lineItems: lines,
      totalMonthlyUsd: cents(lines.reduce((sum, line) => sum + line.monthlyUsd, 0)),
      region: PRICE_REGION,
      pricesAsOf: PRICES_AS_OF,
      assumptions: [
        `${HOURS_PER_MONTH} hours a month; every task, instance and gateway runs all month`,
        `NAT gateways process ${assumptions.natDataProcessedGb} GB a month`,
        `the load balancer consumes ${assumptions.loadBalancerCapacityUnits} LCU on average`,
        `CloudWatch Logs ingests ${assumptions.logIngestionGb} GB a month, and ${assumptions.enhancedMonitoringSampleKb} KB for each Enhanced Monitoring sample`,
        `Fargate Spot costs ${assumptions.fargateSpotDiscountPercent}% less than on-demand`,
        `${assumptions.requestsMillions} million requests a month reach the site (priced where CloudFront, a web ACL or tracing sees them)`,
        'not modeled: data transfer out (and between regions, for replicas and backup copies), backup storage beyond'
          + ' the database size, cross-region backup copies, burst CPU credits, Route 53; no free tier or savings plan applied;'
          + ' resources in other regions are priced at the same list prices',
      ],
    };
  }

  private constructor() {}
}

/**
 * Performance Insights: 7 days of history are free; longer is billed per vCPU, the first month and each
 * further month (731 days count as 24 months).
 */
function performanceInsightsLine(retentionDays: number, vcpus: number): [string, number] {
  if (retentionDays <= 7) {
    return ['Performance Insights, 7 days of history (free)', 0];
  }
  const months = retentionDays === 731 ? 24 : retentionDays / 31;
  const perVcpu = PRICES.performanceInsightsVcpuMonth + (months - 1) * PRICES.performanceInsightsExtraMonthVcpu;
  return [`Performance Insights, ${months} month(s) of history: ${vcpus} vCPU x ($${PRICES.performanceInsightsVcpuMonth} + ${months - 1}`
    + ` x $${PRICES.performanceInsightsExtraMonthVcpu}) (ap-northeast-1 list price; us-east-1's not recorded)`, vcpus * perVcpu];
}

function fargateTaskHour(service: ServiceCostProfile, spot: boolean, spotDiscountPercent: number): { hourly: number; label: string } {
  const arm = service.cpuArchitecture?._cpuArchitecture === ecs.CpuArchitecture.ARM64._cpuArchitecture;
  const price = arm ? PRICES.fargate.ARM64 : PRICES.fargate.X86_64;
  const onDemand = (service.cpu / 1024) * price.vcpuHour + (service.memoryLimitMiB / 1024) * price.gbHour;
  const hourly = spot ? onDemand * (1 - spotDiscountPercent / 100) : onDemand;
  return { hourly, label: `${arm ? 'ARM64' : 'x86_64'} ${spot ? 'Spot' : 'on-demand'}` };
}

/** How often each value occurs, in order of first occurrence. */
function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  values.forEach((value) => counts.set(value, (counts.get(value) ?? 0) + 1));
  return counts;
}

function cents(usd: number): number {
  return Math.round(usd * 100) / 100;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateCostModelProps(props: PlatformCostModelProps): void {
  props.services.forEach((service, index) => {
    checkInteger(`services[${index}].cpu`, service.cpu, 256, 16384);
    checkInteger(`services[${index}].memoryLimitMiB`, service.memoryLimitMiB, 512, 122880);
    checkInteger(`services[${index}].taskCount`, service.taskCount, 0, 1000);
    checkInteger(`services[${index}].spotTaskCount`, service.spotTaskCount, 0, service.taskCount);
  });
  const databases: Array<[string, DatabaseCostProfile]> = [['database', props.database],
    ...(props.databaseReplicas ?? []).map((replica, index) => [`databaseReplicas[${index}]`, replica] as [string, DatabaseCostProfile])];
  for (const [prop, database] of databases) {
    const instanceClass = database.instanceType.toString();
    if (!DATABASE_CLASSES.has(instanceClass)) {
      invalid(`${prop}.instanceType`, instanceClass,
        `The cost model has list prices for ${[...DATABASE_CLASSES.keys()].join(', ')}.`);
    }
    checkInteger(`${prop}.allocatedStorageGiB`, database.allocatedStorageGiB, 20, 65536);
    const retention = database.performanceInsightsRetentionDays;
    const retentionRdsAccepts = retention === 7 || retention === 731 || (Number.isInteger(retention! / 31) && retention! >= 31 && retention! <= 713);
    if (retention !== undefined && !retentionRdsAccepts) {
      invalid(`${prop}.performanceInsightsRetentionDays`, retention, 'Use 7, a multiple of 31 from 31 to 713, or 731, as RDS does.');
    }
    const interval = database.enhancedMonitoringIntervalSeconds;
    if (interval !== undefined && !ENHANCED_MONITORING_INTERVALS.includes(interval)) {
      invalid(`${prop}.enhancedMonitoringIntervalSeconds`, interval, `Use one of ${ENHANCED_MONITORING_INTERVALS.join(', ')}.`);
    }
  }
  checkInteger('loadBalancers', props.loadBalancers, 0, 100);
  checkInteger('publicIpv4Addresses', props.publicIpv4Addresses, 0, 1000);
  checkInteger('natGateways', props.natGateways, 0, 16);
  (props.instances ?? []).forEach((instance, index) => {
    if (!INSTANCE_TYPES.has(instance.instanceType.toString())) {
      invalid(`instances[${index}].instanceType`, instance.instanceType.toString(),
        `The cost model has list prices for ${[...INSTANCE_TYPES.keys()].join(', ')}.`);
    }
    checkInteger(`instances[${index}].rootVolumeGiB`, instance.rootVolumeGiB, 1, 16384);
  });
  checkInteger('secrets', props.secrets, 0, 1000);
  checkInteger('kmsKeys', props.kmsKeys, 0, 1000);
  checkInteger('alarmMetrics', props.alarmMetrics, 0, 10000);
  checkInteger('dashboards', props.dashboards, 0, 100);
  checkInteger('containerInsightsMetrics', props.containerInsightsMetrics, 0, 100000);
  checkInteger('logMetrics', props.logMetrics, 0, 10000);
  const ratio = props.traceSamplingRatio;
  if (ratio !== undefined && !(ratio >= 0 && ratio <= 1)) {
    invalid('traceSamplingRatio', ratio, 'Use a share from 0 to 1.');
  }
  checkInteger('webAcls', props.webAcls, 0, 100);
  checkInteger('webAclRules', props.webAclRules, 0, 10000);
  checkInteger('distributions', props.distributions, 0, 100);
  for (const [key, count] of Object.entries(props.resourceCounts ?? {})) {
    if (!PRICED_RESOURCES.some((kind) => kind.key === key)) {
      invalid('resourceCounts', key, `The cost model prices ${PRICED_RESOURCES.map((kind) => kind.key).join(', ')}.`);
    }
    checkInteger(`resourceCounts.${key}`, count, 0, 1000);
  }
  const assumptions = props.assumptions ?? {};
  for (const name of ['natDataProcessedGb', 'loadBalancerCapacityUnits', 'logIngestionGb', 'requestsMillions', 'enhancedMonitoringSampleKb'] as const) {
    const value = assumptions[name];
    if (value !== undefined && !(value >= 0)) {
      invalid(`assumptions.${name}`, value, 'Use a number of 0 or more.');
    }
  }
  const discount = assumptions.fargateSpotDiscountPercent;
  if (discount !== undefined && !(discount >= 0 && discount < 100)) {
    invalid('assumptions.fargateSpotDiscountPercent', discount, 'Use a percentage from 0 up to (not including) 100.');
  }
}
