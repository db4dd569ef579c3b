/**
 * us-east-1 on-demand list prices (Linux) the cost model uses, and the date they were recorded.
 * Prices change; the date travels with every estimate so a reader can judge how stale it is.
 */
export const PRICES_AS_OF = '2026-11-22';

/** The region the prices are for. */
export const PRICE_REGION = 'us-east-1';

/** Hours in a billing month, as AWS's own calculator counts them. */
export const HOURS_PER_MONTH = 730;

export const PRICES = {
  fargate: {
    X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
    ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
  natGatewayHour: 0.045,
  natGatewayGb: 0.045,
  loadBalancerHour: 0.0225,
  loadBalancerCapacityUnitHour: 0.008,
  publicIpv4Hour: 0.005,
  gp3GbMonth: 0.115,
  /** EBS gp3 volumes of EC2 instances (RDS storage is `gp3GbMonth`). */
  ebsGp3GbMonth: 0.08,
  secretMonth: 0.40,
  kmsKeyMonth: 1.00,
  alarmMetricMonth: 0.10,
  dashboardMonth: 3.00,
  logIngestionGb: 0.50,
  /** Custom metrics, the first 10,000 (Container Insights bills its metrics as these). */
  customMetricMonth: 0.30,
  webAclMonth: 5.00,
  webAclRuleMonth: 1.00,
  webAclRequestsMillion: 0.60,
  /** HTTPS requests, per 10,000 (United States, Mexico, Canada). */
  cloudFrontHttpsRequests10k: 0.01,
  /** X-Ray traces recorded, per million (the first 100,000 a month are free). */
  xrayTracesMillion: 5.00,
  /**
   * Performance Insights history beyond the free 7 days, per vCPU: the first month, then each further
   * month (kept at the same price by CloudWatch Database Insights' Standard mode). These are
   * ap-northeast-1 list prices, the only ones recorded; us-east-1's were not available, so the model
   * prices long retention with them and says so on the line.
   */
  performanceInsightsVcpuMonth: 1.7561,
  performanceInsightsExtraMonthVcpu: 0.0739,
} as const;

/** A database instance class: its single-AZ hourly price for PostgreSQL, and its vCPUs (Performance Insights bills per vCPU). */
export interface DatabaseClassFacts {
  readonly hourlyUsd: number;
  readonly vcpus: number;
}

/** RDS for PostgreSQL instance classes the model knows, single-AZ (Multi-AZ costs twice as much). */
export const DATABASE_CLASSES: ReadonlyMap<string, DatabaseClassFacts> = new Map([
  ['t3.micro', { hourlyUsd: 0.018, vcpus: 2 }],
  ['t3.small', { hourlyUsd: 0.036, vcpus: 2 }],
  ['t3.medium', { hourlyUsd: 0.072, vcpus: 2 }],
  ['t4g.micro', { hourlyUsd: 0.016, vcpus: 2 }],
  ['t4g.small', { hourlyUsd: 0.032, vcpus: 2 }],
  ['t4g.medium', { hourlyUsd: 0.065, vcpus: 2 }],
  ['m6g.large', { hourlyUsd: 0.152, vcpus: 2 }],
  ['m7g.large', { hourlyUsd: 0.168, vcpus: 2 }],
  ['r6g.large', { hourlyUsd: 0.225, vcpus: 2 }],
] as const);

/** EC2 instance types the model knows (Linux, on demand), for NAT instances: their hourly price. */
export const INSTANCE_TYPES: ReadonlyMap<string, number> = new Map([
  ['t4g.nano', 0.0042],
  ['t4g.micro', 0.0084],
  ['t4g.small', 0.0168],
  ['t3.nano', 0.0052],
  ['t3.micro', 0.0104],
  ['t3.small', 0.0208],
]);

/** True for burstable classes (`t*`), which earn and spend CPU credits. */
export function isBurstable(instanceClass: string): boolean {
  return /^t\d/.test(instanceClass);
}
