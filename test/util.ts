import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { RUN_CACHE_ENV } from './run-cache';
import { HasuraNextjsPlatform, HasuraNextjsPlatformProps } from '../src';

/** An account and region, so the stack knows its Availability Zones (from the context below). */
export const TEST_ENV = { account: '123456789012', region: 'us-east-1' };

/** Availability Zones the test stacks see, as `cdk.context.json` would record them. */
export const TEST_AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'];

/**
 * An app for unit tests: it knows the test zones, and skips what no unit test reads, so each synth
 * costs less: construction stack traces, the construct tree file, version reporting and
 * aws-cdk-lib's built-in CloudFormation validation (`npm run synth:examples` and `cdk synth` run it on
 * the example apps, as users do; the integration tests run cfn-lint, checkov and cfn-guard).
 */
export function testApp(context: { [key: string]: unknown } = {}, outdir?: string): App {
  return new App({
    outdir,
    builtinCloudFormationValidation: false,
    treeMetadata: false,
    analyticsReporting: false,
    context: {
      [`availability-zones:account=${TEST_ENV.account}:region=${TEST_ENV.region}`]: TEST_AZS,
      'aws:cdk:disable-stack-trace': true,
      'aws:cdk:disable-creation-stack-traces': true,
      ...context,
    },
  });
}

let workerOutdir: string | undefined;

/**
 * One cloud assembly directory for every app of this jest worker that passes it to `testApp`, for
 * tests that synthesize the platform many times (property tests, update diffs). The Lambda handlers
 * and the Hasura engine's build context are then staged (copied and hashed) once per worker, not
 * once per synth: aws-cdk-lib keeps staged assets by source and output directory, and skips copying
 * an asset that its directory already holds. Templates are the same either way (asset hashes come
 * from the content). Each synth rewrites the manifest and templates, so only read an assembly right
 * after synthesizing it, and do not count what the directory holds. It lives in the run's cache
 * directory (test/global-setup.ts), which the run removes at its end; outside jest's global setup,
 * in a temporary directory of its own.
 */
export function sharedOutdir(): string {
  if (!workerOutdir) {
    const runCache = process.env[RUN_CACHE_ENV];
    // Per process: two workers must not write the same manifest at once.
    workerOutdir = runCache ? path.join(runCache, `cdk.out-${process.pid}`) : fs.mkdtempSync(path.join(os.tmpdir(), 'cdk.out-'));
    fs.mkdirSync(workerOutdir, { recursive: true });
  }
  return workerOutdir;
}

export function testStack(): Stack {
  return new Stack(testApp(), 'Test', { env: TEST_ENV });
}

export const NEXTJS_IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/blog-web:1.0.0');

/** Props with only what is required, plus `overrides`. */
export function minimalProps(overrides: Partial<HasuraNextjsPlatformProps> = {}): HasuraNextjsPlatformProps {
  return { nextjs: { image: NEXTJS_IMAGE }, ...overrides };
}

export interface SynthesizedPlatform {
  readonly stack: Stack;
  readonly platform: HasuraNextjsPlatform;
  readonly template: Template;
}

/** Synthesizes a platform in a fresh stack. */
export function synthPlatform(overrides: Partial<HasuraNextjsPlatformProps> = {}): SynthesizedPlatform {
  const stack = testStack();
  const platform = new HasuraNextjsPlatform(stack, 'Platform', minimalProps(overrides));
  return { stack, platform, template: Template.fromStack(stack) };
}

/** The single resource of `type`, failing when there is not exactly one. */
export function onlyResource(template: Template, type: string): { [key: string]: any } {
  const found = Object.values(template.findResources(type));
  if (found.length !== 1) {
    throw new Error(`Expected exactly one ${type}, found ${found.length}`);
  }
  return found[0];
}

/** The container definition named `name`. */
export function containerNamed(template: Template, name: string): { [key: string]: any } {
  for (const taskDefinition of Object.values(template.findResources('AWS::ECS::TaskDefinition'))) {
    const container = taskDefinition.Properties.ContainerDefinitions.find((c: any) => c.Name === name);
    if (container) {
      return container;
    }
  }
  throw new Error(`No container named ${name}`);
}

/** Plain environment of a container as a name -> value map. */
export function environmentOf(container: { [key: string]: any }): { [name: string]: unknown } {
  return Object.fromEntries((container.Environment ?? []).map((e: any) => [e.Name, e.Value]));
}

/** Names of the ECS secrets of a container. */
export function secretNamesOf(container: { [key: string]: any }): string[] {
  return (container.Secrets ?? []).map((s: any) => s.Name).sort();
}

/** One inbound security group rule, whether inline or a separate resource. */
export interface IngressRule {
  readonly groupId: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
  readonly cidr?: string;
  readonly sourceGroupId?: unknown;
}

/** Every inbound rule of every security group in the template. */
export function ingressRules(template: Template): IngressRule[] {
  const rules: IngressRule[] = [];
  for (const [logicalId, group] of Object.entries(template.findResources('AWS::EC2::SecurityGroup'))) {
    for (const rule of group.Properties.SecurityGroupIngress ?? []) {
      rules.push({
        groupId: { 'Fn::GetAtt': [logicalId, 'GroupId'] },
        fromPort: rule.FromPort,
        toPort: rule.ToPort,
        cidr: rule.CidrIp ?? rule.CidrIpv6,
        sourceGroupId: rule.SourceSecurityGroupId,
      });
    }
  }
  for (const rule of Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))) {
    rules.push({
      groupId: rule.Properties.GroupId,
      fromPort: rule.Properties.FromPort,
      toPort: rule.Properties.ToPort,
      cidr: rule.Properties.CidrIp ?? rule.Properties.CidrIpv6,
      sourceGroupId: rule.Properties.SourceSecurityGroupId,
    });
  }
  return rules;
}

/** `{ "Fn::GetAtt": [logicalId, "GroupId"] }` of a construct's security group. */
export function groupIdOf(stack: Stack, securityGroup: { securityGroupId: string }): unknown {
  return stack.resolve(securityGroup.securityGroupId);
}

/** The container images in `stack`'s asset manifest, by asset hash. */
export function dockerImagesOf(app: App, stack: Stack): { [hash: string]: any } {
  const manifest = app.synth().artifacts.find((artifact): artifact is cxapi.AssetManifestArtifact =>
    cxapi.AssetManifestArtifact.isAssetManifestArtifact(artifact) && artifact.id === `${stack.artifactId}.assets`)!;
  return manifest.contents.dockerImages ?? {};
}
