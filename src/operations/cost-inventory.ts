import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IConstruct } from 'constructs';
import { DatabaseCostProfile, PlatformCostModelProps, ServiceCostProfile } from './cost-model-options';
import { PRICED_RESOURCES } from './priced-resources';

/**
 * What the cost model prices, counted from CloudFormation resources: the ones a construct tree
 * holds (resolved as they will be synthesized) or the ones a synthesized template holds. Both go
 * through the same count, so a test can hold the model of a platform against its template.
 */

/** A resource as CloudFormation receives it. */
export interface CfnView {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: { [key: string]: any };
}

/** The resources under `scope`, resolved as they will be in the template. */
export function resourcesOfTree(scope: IConstruct): CfnView[] {
  return scope.node.findAll()
    .filter((construct): construct is CfnResource => CfnResource.isCfnResource(construct))
    .flatMap((resource) => {
      const rendered = Stack.of(resource).resolve(resource._toCloudFormation()) as { Resources: { [id: string]: any } };
      return resourcesOfTemplate(rendered);
    });
}

/** The resources of a synthesized template, or of a part of one. */
export function resourcesOfTemplate(template: { Resources?: { [id: string]: any } }): CfnView[] {
  return Object.entries(template.Resources ?? {}).map(([logicalId, resource]) => ({
    logicalId, type: resource.Type, properties: resource.Properties ?? {},
  }));
}

/**
 * Container Insights metrics CloudWatch bills per service: 13 metrics (CPU, memory and storage used and
 * reserved, network, task and deployment counts) under two dimension sets (service, and task
 * definition family). It agrees with an independent estimate of about $16 a month for two services.
 */
export const CONTAINER_INSIGHTS_METRICS_PER_SERVICE = 26;

/** The quantities the cost model prices, counted from `resources`. */
export function costInventory(resources: CfnView[]): PlatformCostModelProps {
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  const services = ofType('AWS::ECS::Service');
  const loadBalancers = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
  const webAcls = ofType('AWS::WAFv2::WebACL');
  const isReplica = (instance: CfnView) => instance.properties.SourceDBInstanceIdentifier !== undefined;
  const database = databaseProfile(ofType('AWS::RDS::DBInstance').filter((instance) => !isReplica(instance)));
  const replicas = ofType('AWS::RDS::DBInstance').filter(isReplica);
  return {
    services: services.map((service) => serviceProfile(service, resources)),
    database,
    // A replica without AllocatedStorage inherits its source's storage.
    databaseReplicas: replicas.map((replica) => instanceProfile(replica, database.allocatedStorageGiB)),
    loadBalancers: loadBalancers.length,
    // An internet-facing load balancer holds one public address in each of its subnets' zones.
    publicIpv4Addresses: ofType('AWS::EC2::EIP').length + ofType('AWS::EC2::Instance').filter(hasPublicAddress).length + loadBalancers
      .filter((lb) => lb.properties.Scheme !== 'internal')
      .reduce((sum, lb) => sum + (lb.properties.Subnets ?? lb.properties.SubnetMappings ?? []).length, 0),
    natGateways: ofType('AWS::EC2::NatGateway').length,
    instances: ofType('AWS::EC2::Instance').map((instance) => ({
      instanceType: new ec2.InstanceType(instance.properties.InstanceType),
      rootVolumeGiB: instance.properties.BlockDeviceMappings?.[0]?.Ebs?.VolumeSize ?? 8,
    })),
    secrets: ofType('AWS::SecretsManager::Secret').length,
    kmsKeys: ofType('AWS::KMS::Key').length,
    alarmMetrics: ofType('AWS::CloudWatch::Alarm').reduce((sum, alarm) => sum + alarmMetrics(alarm), 0),
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    containerInsightsMetrics: CONTAINER_INSIGHTS_METRICS_PER_SERVICE * services.filter((service) =>
      insightsOn(clusterOf(service, resources))).length,
    traceSamplingRatio: Math.max(0, ...ofType('AWS::ECS::TaskDefinition').map(traceSamplingRatio)),
    logMetrics: ofType('AWS::Logs::MetricFilter').reduce((sum, filter) => sum + (filter.properties.MetricTransformations ?? []).length, 0),
    webAcls: webAcls.length,
    webAclRules: webAcls.reduce((sum, acl) => sum + (acl.properties.Rules ?? []).length, 0),
    distributions: ofType('AWS::CloudFront::Distribution').length,
    resourceCounts: Object.fromEntries(PRICED_RESOURCES.map((kind) =>
      [kind.key, ofType(kind.cfnType).filter((resource) => kind.isKind?.(resource.properties) ?? true).length])),
  };
}

function serviceProfile(service: CfnView, resources: CfnView[]): ServiceCostProfile {
  const taskDefinition = referenced(service.properties.TaskDefinition, resources);
  const properties = taskDefinition?.properties ?? {};
  const taskCount = service.properties.DesiredCount ?? scalingFloor(service, resources) ?? 1;
  return {
    name: properties.ContainerDefinitions?.[0]?.Name ?? service.logicalId,
    cpu: Number(properties.Cpu),
    memoryLimitMiB: Number(properties.Memory),
    taskCount,
    cpuArchitecture: properties.RuntimePlatform?.CpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
    spotTaskCount: spotTasks(service.properties.CapacityProviderStrategy ?? [], taskCount),
  };
}

/** The tasks a capacity-provider strategy places on Fargate Spot: the base first, then by weight. */
function spotTasks(strategy: Array<{ CapacityProvider: string; Base?: number; Weight?: number }>, taskCount: number): number {
  if (strategy.length === 0) {
    return 0;
  }
  const base = strategy.find((item) => (item.Base ?? 0) > 0);
  const baseTasks = Math.min(base?.Base ?? 0, taskCount);
  const spotBase = base?.CapacityProvider === 'FARGATE_SPOT' ? baseTasks : 0;
  const weights = strategy.reduce((sum, item) => sum + (item.Weight ?? 0), 0);
  const spotWeight = strategy.filter((item) => item.CapacityProvider === 'FARGATE_SPOT').reduce((sum, item) => sum + (item.Weight ?? 0), 0);
  return spotBase + (weights === 0 ? 0 : Math.round((taskCount - baseTasks) * spotWeight / weights));
}

/** The floor of the scalable target that scales `service`, if one does. */
function scalingFloor(service: CfnView, resources: CfnView[]): number | undefined {
  const target = resources.find((r) => r.type === 'AWS::ApplicationAutoScaling::ScalableTarget'
    && JSON.stringify(r.properties.ResourceId).includes(`"${service.logicalId}"`));
  return target?.properties.MinCapacity;
}

function databaseProfile(instances: CfnView[]): DatabaseCostProfile {
  if (instances.length !== 1) {
    throw new Error(`The cost model prices one primary database instance; found ${instances.length}.`);
  }
  return instanceProfile(instances[0], Number.NaN);
}

function instanceProfile(instance: CfnView, inheritedStorageGiB: number): DatabaseCostProfile {
  const properties = instance.properties;
  return {
    instanceType: new ec2.InstanceType(String(properties.DBInstanceClass).replace(/^db\./, '')),
    multiAz: isTrue(properties.MultiAZ),
    allocatedStorageGiB: properties.AllocatedStorage === undefined ? inheritedStorageGiB : Number(properties.AllocatedStorage),
    // RDS keeps 7 days unless a retention period is given.
    performanceInsightsRetentionDays: isTrue(properties.EnablePerformanceInsights)
      ? Number(properties.PerformanceInsightsRetentionPeriod ?? 7) : undefined,
    enhancedMonitoringIntervalSeconds: Number(properties.MonitoringInterval ?? 0),
  };
}

/** The share of requests a task records traces of: its server's sampling ratio, when a trace collector runs beside it. */
function traceSamplingRatio(taskDefinition: CfnView): number {
  const environments: Array<{ [name: string]: unknown }> = (taskDefinition.properties.ContainerDefinitions ?? [])
    .map((container: any) => Object.fromEntries((container.Environment ?? []).map((e: any) => [e.Name, e.Value])));
  const collected = environments.some((environment) => environment.AOT_CONFIG_CONTENT !== undefined);
  const ratios = environments.map((environment) => Number(environment.OTEL_TRACES_SAMPLER_ARG)).filter((ratio) => !isNaN(ratio));
  return collected ? Math.max(0, ...ratios) : 0;
}

/** A template boolean, which CloudFormation also accepts as a string. */
function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

function hasPublicAddress(instance: CfnView): boolean {
  return (instance.properties.NetworkInterfaces ?? []).some((eni: { AssociatePublicIpAddress?: boolean }) => eni.AssociatePublicIpAddress);
}

/** Metrics an alarm is billed for: one, or each metric of its metric-math expression. */
function alarmMetrics(alarm: CfnView): number {
  const metrics: Array<{ MetricStat?: unknown }> | undefined = alarm.properties.Metrics;
  return metrics ? metrics.filter((metric) => metric.MetricStat !== undefined).length : 1;
}

function clusterOf(service: CfnView, resources: CfnView[]): CfnView | undefined {
  return referenced(service.properties.Cluster, resources);
}

function insightsOn(cluster: CfnView | undefined): boolean {
  const settings: Array<{ Name: string; Value: string }> = cluster?.properties.ClusterSettings ?? [];
  return settings.some((setting) => setting.Name === 'containerInsights' && setting.Value !== 'disabled');
}

/** The resource a `Ref` or `Fn::GetAtt` points at. */
function referenced(reference: any, resources: CfnView[]): CfnView | undefined {
  const logicalId = reference?.Ref ?? reference?.['Fn::GetAtt']?.[0];
  return resources.find((r) => r.logicalId === logicalId);
}
