import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ContainerServiceParts, ContainerServiceSpec, createContainerService, maxSteadyTasks, minSteadyTasks } from './container-service';
import { ServiceAutoScalingOptions } from './service-options';

/**
 * Tasks that open PostgreSQL connections. The platform adds up every client's peak into one
 * connection budget, so that all of them together fit the database's `max_connections`.
 */
export interface DatabaseClient {
  /** Who connects, e.g. `hasura`. */
  readonly name: string;

  /** The most tasks of this client that run at once, e.g. old and new side by side during a deploy. */
  readonly peakTasks: number;

  /** Connection pools each task opens; each holds at most the budget's pool size. */
  readonly poolsPerTask: number;
}

/**
 * One Fargate service of the platform: the parts every service has (its ECS service, task
 * definition, container, log group, security group, scaling), declared once. The platform keeps
 * its services in a list (`HasuraNextjsPlatform.services`) that monitoring and the dashboard walk, so
 * a service added to the platform is watched without restating it anywhere.
 */
export abstract class PlatformService extends Construct implements ec2.IConnectable {
  /** Short lower-case name of the service, used in alarm names and dashboards, e.g. `hasura`. */
  public abstract readonly serviceName: string;

  private parts?: BuiltService;
  private attachedTargetGroup?: elbv2.ApplicationTargetGroup;

  /** The Fargate service. */
  public get service(): ecs.FargateService {
    return this.built.service;
  }

  /** The task definition. */
  public get taskDefinition(): ecs.FargateTaskDefinition {
    return this.built.taskDefinition;
  }

  /** The service's main container. */
  public get container(): ecs.ContainerDefinition {
    return this.built.container;
  }

  /** The container log group. */
  public get logGroup(): logs.LogGroup {
    return this.built.logGroup;
  }

  /** The tasks' security group. */
  public get securityGroup(): ec2.SecurityGroup {
    return this.built.securityGroup;
  }

  /** Network access to the tasks. */
  public get connections(): ec2.Connections {
    return this.built.service.connections;
  }

  /** The port the container listens on. */
  public get port(): number {
    return this.built.port;
  }

  /** Task-count autoscaling, when `autoScaling` is set. */
  public get scalableTaskCount(): ecs.ScalableTaskCount | undefined {
    return this.built.scalableTaskCount;
  }

  /** The autoscaling settings, when set. */
  public get autoScaling(): ServiceAutoScalingOptions | undefined {
    return this.built.autoScaling;
  }

  /** The fewest tasks that run outside a deployment: the scaling floor, or the fixed count. */
  public get minimumTasks(): number {
    return this.built.minimumTasks;
  }

  /** The most tasks that run outside a deployment: the scaling maximum, or the fixed count. */
  public get maximumTasks(): number {
    return this.built.maximumTasks;
  }

  /** The load balancer target group that sends the service its requests, once a load balancer has one. */
  public get targetGroup(): elbv2.ApplicationTargetGroup | undefined {
    return this.attachedTargetGroup;
  }

  /** Lets `peer` open connections to the container port, e.g. another service through Service Connect. */
  public allowConnectionsFrom(peer: ec2.IConnectable, description: string): void {
    this.connections.allowFrom(peer, ec2.Port.tcp(this.port), description);
  }

  /**
   * Records the target group a load balancer sends this service's requests to.
   *
   * @internal
   */
  public _attachTargetGroup(targetGroup: elbv2.ApplicationTargetGroup): void {
    this.attachedTargetGroup = targetGroup;
  }

  /**
   * Creates the service from `spec`, directly in this construct. Every service calls it once in its
   * constructor, after it created what the spec refers to.
   *
   * @internal
   */
  protected _createService(spec: ContainerServiceSpec): ContainerServiceParts {
    const parts = createContainerService(this, spec);
    this.parts = {
      ...parts,
      port: spec.containerPort,
      autoScaling: spec.options.autoScaling,
      minimumTasks: minSteadyTasks(spec.options),
      maximumTasks: maxSteadyTasks(spec.options),
    };
    return parts;
  }

  private get built(): BuiltService {
    if (!this.parts) {
      throw new Error(`${this.node.path} has not created its service yet.`);
    }
    return this.parts;
  }
}

/** A created service and the facts about it that every consumer reads. */
interface BuiltService extends ContainerServiceParts {
  readonly port: number;
  readonly autoScaling?: ServiceAutoScalingOptions;
  readonly minimumTasks: number;
  readonly maximumTasks: number;
}
