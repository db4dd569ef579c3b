import { Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleApp } from '../../examples/example-app';
import {
  exampleNames, modeledMonthlyUsd, PlatformCost, platformCosts, platformStacks, recoveryRegionsOf, recoveryStacks,
} from '../../examples/synth-all';
import { HasuraNextjsPlatform, PlatformCostModel } from '../../src';
import { oncePerRun } from '../run-cache';
import { containerNamed, environmentOf, secretNamesOf, sharedOutdir } from '../util';

/** What the tests read of a synthesized example. */
export interface SynthesizedExample {
  /** The template of the stack the example's `createStack` returns. */
  readonly template: { [key: string]: any };
  /** The modeled monthly cost of every platform the example deploys, in whole US dollars. */
  readonly monthlyUsd: number;
  /** The modeled monthly cost of each platform the example deploys. */
  readonly platformCosts: PlatformCost[];
  /**
   * The templates of the stacks that hold a platform, by label: the example's name for its own stack,
   * `<name> <path>` for a stack in a stage under it (a pipeline's, e.g. `pipeline Dev/HasuraBlog`).
   */
  readonly platformTemplates: { [label: string]: { [key: string]: any } };
  /** What the cost model counts in the construct tree of each of those stacks, by the same label, as JSON. */
  readonly stackInventories: { [label: string]: unknown };
  /**
   * The templates of the stacks that hold a recovery region, labelled `<name> <stack id>` (e.g.
   * `hasura-blog-https HasuraBlogHttpsRecovery`).
   */
  readonly recoveryTemplates: { [label: string]: { [key: string]: any } };
  /**
   * What the cost model counts in the construct trees of each platform and the recovery regions named
   * after it together, labelled as `platformTemplates`, for the platforms that have one, as JSON.
   */
  readonly recoveryInventories: { [label: string]: unknown };
  /** The keys of the context lookups (e.g. Availability Zones of an account) that synthesis had no answer for. */
  readonly missingContext: string[];
}

/**
 * The example in `examples/<name>`, synthesized as its `cdk.json` configures it (without the built-in
 * validation, which `npm run synth:examples` runs), once per jest run.
 */
export function synthesizedExample(name: string): SynthesizedExample {
  return oncePerRun(`example-${name}`, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stack: Stack = require(`../../examples/${name}/main`).createStack(exampleApp(sharedOutdir(), false));
    // The example's own stack first: its synthesis synthesizes the stages under it too.
    const template = Template.fromStack(stack).toJSON();
    const label = (holder: Stack) => (holder === stack ? name : `${name} ${holder.node.path.slice(stack.node.path.length + 1)}`);
    const holders = platformStacks(stack);
    const platformTemplates = Object.fromEntries(holders.map((holder) => [label(holder),
      holder === stack ? template : Template.fromStack(holder).toJSON()]));
    const stackInventories = Object.fromEntries(holders.map((holder) => [label(holder),
      JSON.parse(JSON.stringify(PlatformCostModel.inventory(holder)))]));
    // Read from the assembly the example's synthesis made (it synthesized the whole app).
    const assembly = Stage.of(stack)!.synth();
    const recoveryTemplates = Object.fromEntries(recoveryStacks(stack).map((holder) => [`${name} ${holder.node.id}`,
      assembly.getStackArtifact(holder.artifactId).template]));
    const recoveryInventories = Object.fromEntries(holders.flatMap((holder) => {
      const platform = holder.node.findAll().find((c): c is HasuraNextjsPlatform => c instanceof HasuraNextjsPlatform)!;
      const recoveries = recoveryRegionsOf(platform);
      return recoveries.length === 0 ? [] : [[label(holder), JSON.parse(JSON.stringify(PlatformCostModel.inventoryOf([holder, ...recoveries])))]];
    }));
    const missingContext = (assembly.manifest.missing ?? []).map((lookup) => lookup.key);
    return {
      template,
      monthlyUsd: modeledMonthlyUsd(stack),
      platformCosts: platformCosts(stack),
      platformTemplates,
      stackInventories,
      recoveryTemplates,
      recoveryInventories,
      missingContext,
    };
  });
}

/** The template of the example in `examples/<name>`, synthesized once per jest run. */
export function exampleTemplate(name: string): { [key: string]: any } {
  return synthesizedExample(name).template;
}

/** Every template of every example's recovery region, labelled as in `SynthesizedExample`. */
export function exampleRecoveryTemplates(): Array<[string, { [key: string]: any }]> {
  return exampleNames().flatMap((name) => Object.entries(synthesizedExample(name).recoveryTemplates));
}

/** Every template of every example that holds a platform, labelled as in `SynthesizedExample`. */
export function examplePlatformTemplates(): Array<[string, { [key: string]: any }]> {
  return exampleNames().flatMap((name) => Object.entries(synthesizedExample(name).platformTemplates));
}

/**
 * Replaces content hashes of assets, which change with every edit of the staged files, and the hashes
 * that asset destination ids (`<account>-<region>-<hash>`, in a pipeline's publishing commands) derive from them.
 */
export function scrubHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template)
    .replace(/[0-9a-f]{64}/g, '<asset-hash>')
    .replace(/(\d{12}-[a-z]{2}(?:-[a-z]+)+-\d)-[0-9a-f]{8}\b/g, '$1-<destination-hash>'));
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
