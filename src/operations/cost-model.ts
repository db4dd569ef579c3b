import * as ecs from 'aws-cdk-lib/aws-ecs';
import { CostEstimate, CostLineItem, PlatformCostModelProps, ServiceCostProfile } from './cost-model-options';
import { DATABASE_CLASSES, HOURS_PER_MONTH, PRICE_REGION, PRICES, PRICES_AS_OF } from './prices';
import { checkInteger, invalid } from '../private/validation';

const DEFAULT_ASSUMPTIONS = {
  natDataProcessedGb: 20,
  loadBalancerCapacityUnits: 1,
  logIngestionGb: 5,
  fargateSpotDiscountPercent: 70,
};

/**
 * The modeled monthly cost of a platform at us-east-1 on-demand list prices, line by line. It is a
 * model, not a bill: usage-driven lines rest on stated assumptions, and data transfer out to the
 * internet, Container Insights metrics, backup storage beyond the free allowance, burst CPU credits,
 * Route 53 and WAF are not included. Free tiers and savings plans are not applied.
 */
export class PlatformCostModel {
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
      const { hourly, label } = fargateTaskHour(service, assumptions.fargateSpotDiscountPercent);
      add('Fargate', `${service.name}: ${service.taskCount} x ${label} task(s) of ${service.cpu / 1024} vCPU / `
        + `${service.memoryLimitMiB / 1024} GB`, monthly(hourly) * service.taskCount);
    }

    const database = props.database;
    const instanceClass = database.instanceType.toString();
    const facts = DATABASE_CLASSES.get(instanceClass)!;
    const copies = database.multiAz ? 2 : 1;
    const deployment = database.multiAz ? 'Multi-AZ' : 'single-AZ';
    add('RDS', `db.${instanceClass} ${deployment} ($${facts.hourlyUsd}/h x ${copies})`, monthly(facts.hourlyUsd) * copies);
    add('RDS', `${database.allocatedStorageGiB} GB gp3 storage ${deployment} ($${PRICES.gp3GbMonth}/GB-month x ${copies})`,
      database.allocatedStorageGiB * PRICES.gp3GbMonth * copies);

    add('Load balancer', `1 Application Load Balancer ($${PRICES.loadBalancerHour}/h)`, monthly(PRICES.loadBalancerHour));
    add('Load balancer', `${assumptions.loadBalancerCapacityUnits} LCU on average (assumed, $${PRICES.loadBalancerCapacityUnitHour}/LCU-h)`,
      monthly(PRICES.loadBalancerCapacityUnitHour) * assumptions.loadBalancerCapacityUnits);

    if (props.natGateways > 0) {
      add('NAT gateway', `${props.natGateways} NAT gateway(s) ($${PRICES.natGatewayHour}/h each)`,
        monthly(PRICES.natGatewayHour) * props.natGateways);
      add('NAT gateway', `${assumptions.natDataProcessedGb} GB processed (assumed, $${PRICES.natGatewayGb}/GB)`,
        assumptions.natDataProcessedGb * PRICES.natGatewayGb);
    }

    const addresses = props.availabilityZones + props.natGateways;
    add('Public IPv4', `${addresses} address(es): ${props.availabilityZones} for the load balancer (one per zone) and `
      + `${props.natGateways} NAT Elastic IP(s) ($${PRICES.publicIpv4Hour}/h each)`, monthly(PRICES.publicIpv4Hour) * addresses);

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
    add('CloudWatch', `${assumptions.logIngestionGb} GB of logs ingested (assumed, $${PRICES.logIngestionGb.toFixed(2)}/GB)`,
      assumptions.logIngestionGb * PRICES.logIngestionGb);

    return {
      lineItems: lines,
      totalMonthlyUsd: cents(lines.reduce((sum, line) => sum + line.monthlyUsd, 0)),
      region: PRICE_REGION,
      pricesAsOf: PRICES_AS_OF,
      assumptions: [
        `${HOURS_PER_MONTH} hours a month; every task, instance and gateway runs all month`,
        `NAT gateways process ${assumptions.natDataProcessedGb} GB a month`,
        `the load balancer consumes ${assumptions.loadBalancerCapacityUnits} LCU on average`,
        `CloudWatch Logs ingests ${assumptions.logIngestionGb} GB a month`,
        `Fargate Spot costs ${assumptions.fargateSpotDiscountPercent}% less than on-demand`,
        'not modeled: data transfer out, Container Insights metrics, backup storage beyond the database size,'
          + ' cross-region backup copies, burst CPU credits, Route 53, WAF; no free tier or savings plan applied',
      ],
    };
  }

  private constructor() {}
}

function fargateTaskHour(service: ServiceCostProfile, spotDiscountPercent: number): { hourly: number; label: string } {
  const arm = service.cpuArchitecture === ecs.CpuArchitecture.ARM64;
  const price = arm ? PRICES.fargate.ARM64 : PRICES.fargate.X86_64;
  const onDemand = (service.cpu / 1024) * price.vcpuHour + (service.memoryLimitMiB / 1024) * price.gbHour;
  const spot = service.fargateSpot ?? false;
  const hourly = spot ? onDemand * (1 - spotDiscountPercent / 100) : onDemand;
  return { hourly, label: `${arm ? 'ARM64' : 'x86_64'} ${spot ? 'Spot' : 'on-demand'}` };
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
  });
  const instanceClass = props.database.instanceType.toString();
  if (!DATABASE_CLASSES.has(instanceClass)) {
    invalid('database.instanceType', instanceClass,
      `The cost model has list prices for ${[...DATABASE_CLASSES.keys()].join(', ')}.`);
  }
  checkInteger('database.allocatedStorageGiB', props.database.allocatedStorageGiB, 20, 65536);
  checkInteger('availabilityZones', props.availabilityZones, 1, 16);
  checkInteger('natGateways', props.natGateways, 0, 16);
  checkInteger('secrets', props.secrets, 0, 1000);
  checkInteger('kmsKeys', props.kmsKeys, 0, 1000);
  checkInteger('alarmMetrics', props.alarmMetrics, 0, 10000);
  checkInteger('dashboards', props.dashboards, 0, 100);
  const assumptions = props.assumptions ?? {};
  for (const name of ['natDataProcessedGb', 'loadBalancerCapacityUnits', 'logIngestionGb'] as const) {
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
