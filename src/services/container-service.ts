import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { checkFargateSize } from './fargate-sizes';
import { ContainerServiceOptions, ContainerServiceProps, ServiceAutoScalingOptions } from './service-options';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';
import { checkDurationSeconds, checkInteger, invalid } from '../private/validation';

/** Names that must never carry a value in plain environment: they go through `secrets`. */
export const SECRET_LIKE_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|JWT|DATABASE_URL|PRIVATE_KEY|API_KEY|ACCESS_KEY/i;

/** What differs between the Hasura and the Next.js service. */
export interface ContainerServiceSpec {
  /** Prop prefix for error messages, e.g. `hasura`. */
  readonly prefix: string;
  readonly containerName: string;
  readonly containerPort: number;
  readonly image: ecs.ContainerImage;
  readonly options: ContainerServiceOptions;
  readonly props: ContainerServiceProps;
  /** Environment the service sets itself; users may not set these names. */
  readonly environment: { [name: string]: string };
  /** Secrets the service sets itself; users may not set these names. */
  readonly secrets: { [name: string]: ecs.Secret };
  readonly entryPoint?: string[];
  readonly command?: string[];
  /** Stop timeout unless the options set one. */
  readonly defaultStopTimeout: Duration;
  /** A health check the container runs itself, if the image allows one. */
  readonly healthCheck?: ecs.HealthCheck;
  /** Serve the container port in the Service Connect namespace under this name; clients only when unset. */
  readonly serviceConnectName?: string;
  /** Run on Fargate Spot beyond one on-demand task. */
  readonly fargateSpot?: boolean;
  /** Let operators reach the containers with ECS Exec. */
  readonly enableExecuteCommand?: boolean;
  /** Containers that run beside the service's own in every task; their memory comes out of its share. */
  readonly sidecars?: ContainerSidecar[];
}

/** A container that runs beside a service's own in each task, such as a telemetry collector. */
export interface ContainerSidecar {
  /** The sidecar's hard memory limit, taken from the task's memory. */
  readonly memoryLimitMiB: number;
  /** Adds the sidecar to the task definition; it logs to the service's log group under a prefix of its own. */
  readonly addTo: (taskDefinition: ecs.TaskDefinition, logGroup: logs.ILogGroup) => void;
}

/** The parts of a running container service. */
export interface ContainerServiceParts {
  /** What the service was created from. */
  readonly spec: ContainerServiceSpec;
  readonly logGroup: logs.LogGroup;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly service: ecs.FargateService;
  readonly scalableTaskCount?: ecs.ScalableTaskCount;
  /** The Service Connect namespace the service joined, if any. */
  readonly serviceConnectNamespace?: servicediscovery.INamespace;
}

/**
 * The variables a service sets itself, each declared once with how its value is derived from the
 * service's context (`undefined`: not set in this configuration). Their names are the names users may
 * not set, so declaring a variable here is all it takes to both set it and refuse it from users.
 */
export type ManagedVariables<C> = { readonly [name: string]: (context: C) => string | undefined };

/** The secrets a service sets itself, declared like `ManagedVariables`. */
export type ManagedSecrets<C> = { readonly [name: string]: (context: C) => ecs.Secret | undefined };

/** The values of `declared` in `context`, in declaration order, leaving out those not set. */
export function resolveManaged<C, V>(declared: { readonly [name: string]: (context: C) => V | undefined }, context: C): { [name: string]: V } {
  const resolved: { [name: string]: V } = {};
  for (const [name, valueOf] of Object.entries(declared)) {
    const value = valueOf(context);
    if (value !== undefined) {
      resolved[name] = value;
    }
  }
  return resolved;
}

/**
 * Memory left in each task for the Service Connect proxy that ECS adds beside the application: AWS
 * recommends budgeting 64 MiB for it (Amazon ECS Developer Guide, "Service Connect components").
 */
export const SERVICE_CONNECT_PROXY_MIB = 64;

/** Default task size and count of both services, as the reference topology sizes them. */
export const DEFAULT_TASK = { cpu: 512, memoryLimitMiB: 1024, desiredCount: 2 } as const;

/** Defaults of target-tracking autoscaling. */
export const DEFAULT_SCALING = {
  cpuTargetPercent: 60,
  memoryTargetPercent: 80,
  scaleOutCooldown: Duration.minutes(1),
  scaleInCooldown: Duration.minutes(5),
} as const;

/** Share of the desired count that may run during a deployment: old and new tasks side by side. */
export const MAX_HEALTHY_PERCENT = 200;

/** The fewest tasks of a service outside a deployment: its scaling floor, or its fixed count. */
export function minSteadyTasks(options: ContainerServiceOptions): number {
  return options.autoScaling?.minTasks ?? options.desiredCount ?? DEFAULT_TASK.desiredCount;
}

/** The most tasks of a service that scaling lets run outside a deployment. */
export function maxSteadyTasks(options: ContainerServiceOptions): number {
  return options.autoScaling?.maxTasks ?? options.desiredCount ?? DEFAULT_TASK.desiredCount;
}

/** Validates the options every container service shares. */
export function validateContainerServiceOptions(prefix: string, options: ContainerServiceOptions,
  managedNames: readonly string[]): void {
  checkFargateSize(prefix, options.cpu ?? DEFAULT_TASK.cpu, options.memoryLimitMiB ?? DEFAULT_TASK.memoryLimitMiB);
  checkInteger(`${prefix}.desiredCount`, options.desiredCount, 0, 1000);
  validateAutoScaling(`${prefix}.autoScaling`, options);
  checkDurationSeconds(`${prefix}.stopTimeout`, options.stopTimeout, 2, 120);
  checkDurationSeconds(`${prefix}.healthCheckGracePeriod`, options.healthCheckGracePeriod, 0, 7200);
  refuseManagedNames(prefix, options, managedNames);
  for (const name of Object.keys(options.environment ?? {})) {
    if (SECRET_LIKE_NAME.test(name)) {
      invalid(`${prefix}.environment`, name,
        `Names like this hold secrets, which never go into plain environment: pass it in ${prefix}.secrets.`);
    }
  }
}

/** Refuses user variables and secrets that the service sets itself. */
function refuseManagedNames(prefix: string, options: ContainerServiceOptions, managedNames: readonly string[]): void {
  for (const [prop, names] of [['environment', options.environment], ['secrets', options.secrets]] as const) {
    for (const name of Object.keys(names ?? {})) {
      if (managedNames.includes(name)) {
        invalid(`${prefix}.${prop}`, name, 'The platform sets this variable itself; use its typed prop instead.');
      }
    }
  }
}

function validateAutoScaling(prop: string, options: ContainerServiceOptions): void {
  const scaling = options.autoScaling;
  if (scaling === undefined) {
    return;
  }
  if (options.desiredCount !== undefined) {
    invalid(prop.replace(/autoScaling$/, 'desiredCount'), options.desiredCount,
      `With ${prop} set, the task count is scaled between minTasks and maxTasks: remove desiredCount.`);
  }
  checkInteger(`${prop}.minTasks`, scaling.minTasks, 1, 1000);
  checkInteger(`${prop}.maxTasks`, scaling.maxTasks, 1, 1000);
  if (scaling.maxTasks < scaling.minTasks) {
    invalid(`${prop}.maxTasks`, scaling.maxTasks, `It must be at least ${prop}.minTasks (${scaling.minTasks}).`);
  }
  checkInteger(`${prop}.cpuTargetPercent`, scaling.cpuTargetPercent, 10, 90);
  checkInteger(`${prop}.memoryTargetPercent`, scaling.memoryTargetPercent, 10, 95);
  checkInteger(`${prop}.requestsPerTarget`, scaling.requestsPerTarget, 1, 1000000);
  checkDurationSeconds(`${prop}.scaleOutCooldown`, scaling.scaleOutCooldown, 0, 3600);
  checkDurationSeconds(`${prop}.scaleInCooldown`, scaling.scaleInCooldown, 0, 3600);
}

/**
 * Creates, directly in `scope`, a Fargate service of one container behind its own security group,
 * logging to a log group that is retained except when its creation rolls back.
 */
export function createContainerService(scope: Construct, spec: ContainerServiceSpec): ContainerServiceParts {
  const { options, props } = spec;
  // Checked again here, for services built outside a platform: a managed name never overwrites silently.
  refuseManagedNames(spec.prefix, options, [...Object.keys(spec.environment), ...Object.keys(spec.secrets)]);

  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    logGroupName: props.logGroupName,
    retention: props.logRetention ?? logs.RetentionDays.ONE_WEEK,
    encryptionKey: props.encryptionKey,
    // Kept when the platform is deleted, but removed when the deploy that created it rolls back, so a
    // retry of a failed first deploy does not stumble over a fixed name that "already exists".
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  });

  const taskMemoryMiB = options.memoryLimitMiB ?? DEFAULT_TASK.memoryLimitMiB;
  const namespace = props.serviceConnectNamespace ?? props.cluster.defaultCloudMapNamespace;
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    cpu: options.cpu ?? DEFAULT_TASK.cpu,
    memoryLimitMiB: taskMemoryMiB,
    runtimePlatform: {
      cpuArchitecture: options.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
  });

  const sidecars = spec.sidecars ?? [];
  const container = taskDefinition.addContainer(spec.containerName, {
    image: spec.image,
    essential: true,
    // A hard limit: the task's memory, less what ECS's Service Connect proxy in the same task needs and
    // what the sidecars may use, so that together they fit the task.
    memoryLimitMiB: taskMemoryMiB - (namespace ? SERVICE_CONNECT_PROXY_MIB : 0)
      - sidecars.reduce((sum, sidecar) => sum + sidecar.memoryLimitMiB, 0),
    portMappings: [{ containerPort: spec.containerPort, name: spec.containerName }],
    environment: { ...options.environment, ...spec.environment },
    secrets: { ...options.secrets, ...spec.secrets },
    entryPoint: spec.entryPoint,
    command: spec.command,
    stopTimeout: options.stopTimeout ?? spec.defaultStopTimeout,
    healthCheck: spec.healthCheck,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'ecs' }),
  });
  sidecars.forEach((sidecar) => sidecar.addTo(taskDefinition, logGroup));

  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: props.cluster.vpc,
    description: `${spec.containerName} tasks: accept ${spec.containerPort} only from allowed peers`,
    allowAllOutbound: true,
  });

  const scaling = options.autoScaling;
  const service = new ecs.FargateService(scope, 'Service', {
    cluster: props.cluster,
    taskDefinition,
    desiredCount: scaling ? undefined : options.desiredCount ?? DEFAULT_TASK.desiredCount,
    assignPublicIp: false,
    vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [securityGroup],
    minHealthyPercent: 100,
    maxHealthyPercent: MAX_HEALTHY_PERCENT,
    circuitBreaker: { enable: true, rollback: true },
    propagateTags: ecs.PropagatedTagSource.SERVICE,
    healthCheckGracePeriod: options.healthCheckGracePeriod ?? Duration.seconds(60),
    enableExecuteCommand: spec.enableExecuteCommand,
    capacityProviderStrategies: spec.fargateSpot ? [
      // One task always on demand, so a Spot reclaim never takes the whole service down.
      { capacityProvider: 'FARGATE', base: 1, weight: 0 },
      { capacityProvider: 'FARGATE_SPOT', weight: 1 },
    ] : undefined,
    serviceConnectConfiguration: namespace ? {
      namespace: namespace.namespaceArn,
      services: spec.serviceConnectName ? [{
        portMappingName: spec.containerName,
        discoveryName: spec.serviceConnectName,
        dnsName: spec.serviceConnectName,
        port: spec.containerPort,
      }] : undefined,
      logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'service-connect' }),
    } : undefined,
  });
  // Tasks pull their image and secrets through the private subnets' NAT: start them only once it routes.
  service.node.addDependency(props.cluster.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS })
    .internetConnectivityEstablished);
  if (scaling) {
    // Without this, aws-cdk-lib writes DesiredCount 1 unless the app sets the feature flag
    // @aws-cdk/aws-ecs:removeDefaultDesiredCount, and every deploy would reset the scaled count.
    (service.node.defaultChild as ecs.CfnService).addPropertyDeletionOverride('DesiredCount');
  }
  const scalableTaskCount = scaling ? scaleTaskCount(service, scaling) : undefined;

  acknowledgeTaskDefinition(taskDefinition);
  if (spec.enableExecuteCommand) {
    acknowledge(taskDefinition.taskRole, 'ECS Exec needs the ssmmessages channel actions, which exist only for'
      + ' Resource "*"; aws-cdk-lib adds them, with logs and KMS grants scoped to the session log group and key.',
    'AwsSolutions-IAM5[Resource::*]', ...nistAndHipaa('IAMNoInlinePolicy'));
  }

  return {
    spec,
    logGroup,
    taskDefinition,
    container,
    securityGroup,
    service,
    scalableTaskCount,
    serviceConnectNamespace: namespace,
  };
}

/** Acknowledges what every platform task definition does on purpose: plain settings, a scoped execution role. */
export function acknowledgeTaskDefinition(taskDefinition: ecs.TaskDefinition): void {
  acknowledge(taskDefinition, 'Plain environment holds only non-secret settings: names that look like secrets'
    + ' are refused at synth time and every secret is injected from Secrets Manager.', 'AwsSolutions-ECS2');
  acknowledge(taskDefinition.obtainExecutionRole(), 'aws-cdk-lib grants this execution role exactly the log group'
    + ' and secrets of this task in its inline policy; ecr:GetAuthorizationToken only exists for Resource "*".',
  'AwsSolutions-IAM5[Resource::*]', ...nistAndHipaa('IAMNoInlinePolicy'));
}

/** The scaling cooldowns given, or the defaults. */
function cooldownsOf(scaling: ServiceAutoScalingOptions): { scaleOutCooldown: Duration; scaleInCooldown: Duration } {
  return {
    scaleOutCooldown: scaling.scaleOutCooldown ?? DEFAULT_SCALING.scaleOutCooldown,
    scaleInCooldown: scaling.scaleInCooldown ?? DEFAULT_SCALING.scaleInCooldown,
  };
}

function scaleTaskCount(service: ecs.FargateService, scaling: ServiceAutoScalingOptions): ecs.ScalableTaskCount {
  const count = service.autoScaleTaskCount({ minCapacity: scaling.minTasks, maxCapacity: scaling.maxTasks });
  const cooldowns = cooldownsOf(scaling);
  count.scaleOnCpuUtilization('Cpu', {
    targetUtilizationPercent: scaling.cpuTargetPercent ?? DEFAULT_SCALING.cpuTargetPercent, ...cooldowns,
  });
  count.scaleOnMemoryUtilization('Memory', {
    targetUtilizationPercent: scaling.memoryTargetPercent ?? DEFAULT_SCALING.memoryTargetPercent, ...cooldowns,
  });
  return count;
}

/** Adds request-count scaling on `targetGroup` when the options ask for it. */
export function scaleOnRequests(scalableTaskCount: ecs.ScalableTaskCount | undefined,
  scaling: ServiceAutoScalingOptions | undefined, targetGroup: elbv2.ApplicationTargetGroup): void {
  if (scalableTaskCount && scaling?.requestsPerTarget !== undefined) {
    scalableTaskCount.scaleOnRequestCount('Requests', {
      requestsPerTarget: scaling.requestsPerTarget,
      targetGroup,
      ...cooldownsOf(scaling),
    });
  }
}
