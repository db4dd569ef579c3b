import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleApp } from '../../examples/example-app';
import { modeledMonthlyUsd } from '../../examples/synth-all';
import { oncePerRun } from '../run-cache';
import { containerNamed, environmentOf, secretNamesOf } from '../util';

/** What the tests read of a synthesized example. */
export interface SynthesizedExample {
  /** The stack's template. */
  readonly template: { [key: string]: any };
  /** The platform's modeled monthly cost, in whole US dollars. */
  readonly monthlyUsd: number;
}

/** The example in `examples/<name>`, synthesized as its `cdk.json` configures it, once per jest run. */
export function synthesizedExample(name: string): SynthesizedExample {
  return oncePerRun(`example-${name}`, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stack: Stack = require(`../../examples/${name}/main`).createStack(exampleApp());
    return { template: Template.fromStack(stack).toJSON(), monthlyUsd: modeledMonthlyUsd(stack) };
  });
}

/** The template of the example in `examples/<name>`, synthesized once per jest run. */
export function exampleTemplate(name: string): { [key: string]: any } {
  return synthesizedExample(name).template;
}

/** Replaces content hashes of assets, which change with every edit of the staged files. */
export function scrubHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

/** What a container of a synthesized example gets from the platform. */
export interface ExampleContainer {
  /** Its plain environment: name -> value (a string, or a CloudFormation expression resolved at deployment). */
  readonly environment: { [name: string]: unknown };
  /** The names of its ECS secrets, sorted. */
  readonly secretNames: string[];
  /** The path the load balancer's health check requests, when a load balancer sends the container traffic. */
  readonly healthCheckPath?: string;
}

/** The container `containerName` of the example in `examples/<name>`, synthesized once per jest run. */
export function exampleContainer(name: string, containerName: string): ExampleContainer {
  const template = Template.fromJSON(exampleTemplate(name));
  const container = containerNamed(template, containerName);
  return {
    environment: environmentOf(container),
    secretNames: secretNamesOf(container),
    healthCheckPath: healthCheckPathOf(template, containerName),
  };
}

/** The HealthCheckPath of the target group an ECS service registers `containerName` in ('/' when unset). */
function healthCheckPathOf(template: Template, containerName: string): string | undefined {
  const targetGroupRefs = Object.values(template.findResources('AWS::ECS::Service'))
    .flatMap((service) => service.Properties.LoadBalancers ?? [])
    .filter((loadBalancer: any) => loadBalancer.ContainerName === containerName)
    .map((loadBalancer: any) => loadBalancer.TargetGroupArn?.Ref);
  const targetGroups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup');
  const targetGroup = targetGroupRefs.map((ref: string) => targetGroups[ref]).find(Boolean);
  return targetGroup ? targetGroup.Properties.HealthCheckPath ?? '/' : undefined;
}
