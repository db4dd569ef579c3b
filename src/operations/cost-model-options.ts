import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';

/** One Fargate service as the cost model sees it. */
export interface ServiceCostProfile {
  /** Name shown on the line item, e.g. `hasura`. */
  readonly name: string;

  /** Task CPU units (1024 = one vCPU). */
  readonly cpu: number;

  /** Task memory in MiB. */
  readonly memoryLimitMiB: number;

  /** Tasks running around the clock (the floor when the service scales), on demand and on Spot together. */
  readonly taskCount: number;

  /**
   * CPU architecture of the tasks; ARM64 (Graviton) is about 20% cheaper.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * How many of `taskCount` run on Fargate Spot, priced at `CostAssumptions.fargateSpotDiscountPercent`
   * below on-demand.
   *
   * @default 0
   */
  readonly spotTaskCount?: number;
}

/** The database as the cost model sees it. */
export interface DatabaseCostProfile {
  /** Instance class, e.g. `ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO)`. */
  readonly instanceType: ec2.InstanceType;

  /** Whether a standby runs in a second zone (twice the instance and storage price). */
  readonly multiAz: boolean;

  /** Provisioned gp3 storage in GiB. */
  readonly allocatedStorageGiB: number;

  /**
   * Days of history Performance Insights keeps (7, a multiple of 31 up to 713, or 731), when it is on.
   * Seven days are free; longer is billed per vCPU of each copy.
   *
   * @default - Performance Insights is off
   */
  readonly performanceInsightsRetentionDays?: number;

  /**
   * Seconds between Enhanced Monitoring samples (1, 5, 10, 15, 30 or 60); 0 when it is off. Its samples
   * are billed as CloudWatch Logs ingestion.
   *
   * @default 0
   */
  readonly enhancedMonitoringIntervalSeconds?: number;
}

/** An EC2 instance as the cost model sees it, e.g. a NAT instance. */
export interface InstanceCostProfile {
  /** Instance type, e.g. `t4g.nano`. */
  readonly instanceType: ec2.InstanceType;

  /** Its gp3 root volume in GiB. */
  readonly rootVolumeGiB: number;
}

/** Usage-driven quantities the model cannot know from the configuration. */
export interface CostAssumptions {
  /**
   * Data processed by the NAT gateways per month, in GB (image pulls, calls to AWS APIs and the internet).
   *
   * @default 20
   */
  readonly natDataProcessedGb?: number;

  /**
   * Average load balancer capacity units consumed per hour (one LCU is 25 new connections/s, 3,000 active
   * connections, 1 GB/h of traffic or 1,000 rule evaluations/s).
   *
   * @default 1
   */
  readonly loadBalancerCapacityUnits?: number;

  /**
   * Log data ingested by CloudWatch Logs per month, in GB (containers, database, VPC flow logs).
   *
   * @default 5
   */
  readonly logIngestionGb?: number;

  /**
   * Discount of Fargate Spot against on-demand, in percent. Spot prices move; AWS advertises up to 70%.
   *
   * @default 70
   */
  readonly fargateSpotDiscountPercent?: number;

  /**
   * Requests per month, in millions, that reach the site: CloudFront, the web ACL and the traced
   * service see them.
   *
   * @default 1
   */
  readonly requestsMillions?: number;

  /**
   * Size of one Enhanced Monitoring sample in KB (operating-system metrics and the process list), which
   * RDS writes to CloudWatch Logs at every interval.
   *
   * @default 10
   */
  readonly enhancedMonitoringSampleKb?: number;
}

/** What the cost model needs to know about a platform. */
export interface PlatformCostModelProps {
  /** The Fargate services. */
  readonly services: ServiceCostProfile[];

  /** The database. */
  readonly database: DatabaseCostProfile;

  /**
   * Read replicas of the database, such as the one a `PlatformRecoveryRegion` keeps in another region.
   * Each is priced like a database of its class, with its own copy of the storage.
   *
   * @default - none
   */
  readonly databaseReplicas?: DatabaseCostProfile[];

  /**
   * Application Load Balancers.
   *
   * @default 1
   */
  readonly loadBalancers?: number;

  /**
   * Public IPv4 addresses: the NAT gateways' Elastic IPs, NAT instances' addresses, and one per zone of
   * each internet-facing load balancer (an internal one has none).
   */
  readonly publicIpv4Addresses: number;

  /** NAT gateways, each with an hourly charge (their Elastic IPs count in `publicIpv4Addresses`). */
  readonly natGateways: number;

  /**
   * EC2 instances, such as NAT instances (their public addresses count in `publicIpv4Addresses`).
   *
   * @default - none
   */
  readonly instances?: InstanceCostProfile[];

  /** Secrets Manager secrets. */
  readonly secrets: number;

  /** Customer managed KMS keys. */
  readonly kmsKeys: number;

  /**
   * Metrics watched by CloudWatch alarms (an alarm on a metric-math expression counts each metric).
   *
   * @default 0
   */
  readonly alarmMetrics?: number;

  /**
   * CloudWatch dashboards.
   *
   * @default 0
   */
  readonly dashboards?: number;

  /**
   * Metrics Container Insights publishes, billed as custom metrics.
   *
   * @default 0
   */
  readonly containerInsightsMetrics?: number;

  /**
   * Share of requests whose traces X-Ray records: the sampling ratio of a traced service.
   *
   * @default 0
   */
  readonly traceSamplingRatio?: number;

  /**
   * Metrics that CloudWatch Logs metric filters publish (such as the Hasura log metrics), billed as
   * custom metrics.
   *
   * @default 0
   */
  readonly logMetrics?: number;

  /**
   * AWS WAF web ACLs.
   *
   * @default 0
   */
  readonly webAcls?: number;

  /**
   * Rules in those web ACLs (a managed rule group counts as one).
   *
   * @default 0
   */
  readonly webAclRules?: number;

  /**
   * CloudFront distributions, priced by the requests they serve.
   *
   * @default 0
   */
  readonly distributions?: number;

  /**
   * How many resources of each kind the model prices per resource held, by kind: today
   * `valkeyServerlessCaches` (ElastiCache Serverless for Valkey, the Next.js shared cache, priced at
   * the least data it is billed for and an assumed number of ECPUs per request). An unknown kind is
   * refused.
   *
   * @default - none
   */
  readonly resourceCounts?: { [kind: string]: number };

  /**
   * Usage the model has to assume.
   *
   * @default - the defaults of each assumption
   */
  readonly assumptions?: CostAssumptions;
}

/** One line of a cost estimate. */
export interface CostLineItem {
  /** What is charged, e.g. `Fargate`, `RDS`, `NAT gateway`. */
  readonly category: string;

  /** How the amount was computed, quantities and unit prices included. */
  readonly description: string;

  /** Modeled monthly cost in US dollars, rounded to cents. */
  readonly monthlyUsd: number;
}

/** A modeled monthly cost. */
export interface CostEstimate {
  /** The lines, in a stable order. */
  readonly lineItems: CostLineItem[];

  /** Sum of the lines, in US dollars. */
  readonly totalMonthlyUsd: number;

  /** The region whose list prices were used. */
  readonly region: string;

  /** The date the list prices were recorded (ISO 8601). */
  readonly pricesAsOf: string;

  /** The usage assumptions behind the usage-driven lines, and what is not modeled. */
  readonly assumptions: string[];
}
