import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { checkFargateSize } from './fargate-sizes';
import { ContainerServiceOptions, ContainerServiceProps } from './service-options';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';
import { checkInteger, invalid } from '../private/validation';

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
  /** Environment the service sets itself; users may not override it. */
  readonly environment: { [name: string]: string };
  /** Secrets the service sets itself; users may not override them. */
  readonly secrets: { [name: string]: ecs.Secret };
  readonly entryPoint?: string[];
  readonly command?: string[];
}

/** The parts of a running container service. */
export interface ContainerServiceParts {
  readonly logGroup: logs.LogGroup;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly service: ecs.FargateService;
}

/** Default task size and count of both services, as the reference topology sizes them. */
export const DEFAULT_TASK = { cpu: 512, memoryLimitMiB: 1024, desiredCount: 2 } as const;

/** Validates the options every container service shares. */
export function validateContainerServiceOptions(prefix: string, options: ContainerServiceOptions,
  managedNames: readonly string[]): void {
  checkFargateSize(prefix, options.cpu ?? DEFAULT_TASK.cpu, options.memoryLimitMiB ?? DEFAULT_TASK.memoryLimitMiB);
  checkInteger(`${prefix}.desiredCount`, options.desiredCount, 0, 1000);
  for (const name of Object.keys(options.environment ?? {})) {
    if (managedNames.includes(name)) {
      invalid(`${prefix}.environment`, name, 'The platform sets this variable itself; use its typed prop instead.');
    }
    if (SECRET_LIKE_NAME.test(name)) {
      invalid(`${prefix}.environment`, name,
        `Names like this hold secrets, which never go into plain environment: pass it in ${prefix}.secrets.`);
    }
  }
  for (const name of Object.keys(options.secrets ?? {})) {
    if (managedNames.includes(name)) {
      invalid(`${prefix}.secrets`, name, 'The platform sets this variable itself; use its typed prop instead.');
    }
  }
}

/**
 * Creates, directly in `scope`, a Fargate service of one container behind its own security group,
 * logging to a retained log group with the `ecs` stream prefix.
 */
export function createContainerService(scope: Construct, spec: ContainerServiceSpec): ContainerServiceParts {
  const { options, props } = spec;

  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    logGroupName: props.logGroupName,
    retention: props.logRetention ?? logs.RetentionDays.ONE_WEEK,
    encryptionKey: props.encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    cpu: options.cpu ?? DEFAULT_TASK.cpu,
    memoryLimitMiB: options.memoryLimitMiB ?? DEFAULT_TASK.memoryLimitMiB,
    runtimePlatform: {
      cpuArchitecture: ecs.CpuArchitecture.X86_64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
  });

  const container = taskDefinition.addContainer(spec.containerName, {
    image: spec.image,
    essential: true,
    // A hard limit equal to the task's memory: one container may use all of it, never more.
    memoryLimitMiB: options.memoryLimitMiB ?? DEFAULT_TASK.memoryLimitMiB,
    portMappings: [{ containerPort: spec.containerPort, name: spec.containerName }],
    environment: { ...options.environment, ...spec.environment },
    secrets: { ...options.secrets, ...spec.secrets },
    entryPoint: spec.entryPoint,
    command: spec.command,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'ecs' }),
  });

  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: props.cluster.vpc,
    description: `${spec.containerName} tasks: accept ${spec.containerPort} only from the load balancer`,
    allowAllOutbound: true,
  });

  const service = new ecs.FargateService(scope, 'Service', {
    cluster: props.cluster,
    taskDefinition,
    desiredCount: options.desiredCount ?? DEFAULT_TASK.desiredCount,
    assignPublicIp: false,
    vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [securityGroup],
    minHealthyPercent: 100,
    maxHealthyPercent: 200,
    circuitBreaker: { enable: true, rollback: true },
    propagateTags: ecs.PropagatedTagSource.SERVICE,
  });

  acknowledgeTaskDefinition(taskDefinition);

  return { logGroup, taskDefinition, container, securityGroup, service };
}

/** Acknowledges what every platform task definition does on purpose: plain settings, a scoped execution role. */
export function acknowledgeTaskDefinition(taskDefinition: ecs.TaskDefinition): void {
  acknowledge(taskDefinition, 'Plain environment holds only non-secret settings: names that look like secrets'
    + ' are refused at synth time and every secret is injected from Secrets Manager.', 'AwsSolutions-ECS2');
  acknowledge(taskDefinition.obtainExecutionRole(), 'aws-cdk-lib grants this execution role exactly the log group'
    + ' and secrets of this task in its inline policy; ecr:GetAuthorizationToken only exists for Resource "*".',
  'AwsSolutions-IAM5[Resource::*]', ...nistAndHipaa('IAMNoInlinePolicy'));
}
