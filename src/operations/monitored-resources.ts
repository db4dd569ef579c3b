import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { WebAclScope } from '../edge/web-acl-options';

/** A Fargate service to watch. */
export interface MonitoredService {
  /**
   * Short lower-case name used in alarm names and widget titles, e.g. `hasura`: letters, digits and
   * hyphens, at most 32 characters.
   */
  readonly displayName: string;

  /** The ECS service. Its cluster needs Container Insights for the running-task alarm. */
  readonly service: ecs.BaseService;

  /**
   * The target group the load balancer sends the service's requests to.
   *
   * @default - no per-service error, latency or unhealthy-target alarms
   */
  readonly targetGroup?: elbv2.IApplicationTargetGroup;

  /** The floor of running tasks: the desired count, or the minimum when the service scales. */
  readonly minimumTasks: number;

  /**
   * Whether the service's cluster publishes Container Insights metrics, which the running-task alarm
   * reads (the `AWS/ECS` namespace has no task count).
   *
   * @default true
   */
  readonly containerInsights?: boolean;
}

/** A PostgreSQL instance to watch, with the facts its thresholds are relative to. */
export interface MonitoredDatabase {
  /** The instance. */
  readonly instance: rds.IDatabaseInstance;

  /** Its instance class; burstable (`t*`) classes also get a CPU credit alarm. */
  readonly instanceType: ec2.InstanceType;

  /** The storage allocated at creation in GiB, which free storage is measured against. */
  readonly allocatedStorageGiB: number;

  /** The storage autoscaling maximum in GiB, named in the free-storage alarm. */
  readonly maxAllocatedStorageGiB: number;

  /** PostgreSQL's `max_connections`, which the connection count is measured against. */
  readonly maxConnections: number;

  /**
   * Memory of the instance class in GiB, which freeable memory is measured against.
   *
   * @default - from the library's table of classes (t3, t4g, m6g, m7g, r6g); required for other classes
   */
  readonly memoryGiB?: number;
}

/** A WAF web ACL to watch. */
export interface MonitoredWebAcl {
  /** The web ACL's name, the `WebACL` dimension of its metrics. */
  readonly webAclName: string;

  /** Where it is attached: its metrics carry a `Region` dimension only with REGIONAL scope. */
  readonly webAclScope: WebAclScope;
}
