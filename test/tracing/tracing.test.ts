// Tracing: off unless asked for; with it, an ADOT collector beside Next.js that receives OTLP on the
// task's loopback and sends to X-Ray with one permission, without ever taking the site down.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { parse } from 'yaml';
import { HasuraNextjsPlatform, NextjsService } from '../../src';
import { ADOT_COLLECTOR_IMAGE } from '../../src/tracing/collector';
import { containerNamed, environmentOf, minimalProps, NEXTJS_IMAGE, synthPlatform, testStack } from '../util';

/** The collector's configuration, with the references it holds shown as `<LogicalId>`. */
function collectorConfig(stack: Stack, container: { [key: string]: any }): any {
  const text = (value: any): string => (typeof value === 'string' ? value
    : value['Fn::Join'] ? value['Fn::Join'][1].map(text).join(value['Fn::Join'][0]) : `<${value.Ref ?? value['Fn::GetAtt']?.[0]}>`);
  return parse(text(stack.resolve(environmentOf(container).AOT_CONFIG_CONTENT)));
}

function taskDefinitionOf(template: Template, containerName: string): { [key: string]: any } {
  return Object.values(template.findResources('AWS::ECS::TaskDefinition'))
    .find((t) => t.Properties.ContainerDefinitions.some((c: any) => c.Name === containerName))!.Properties;
}

test('off by default: no collector, no OpenTelemetry variables, Next.js keeps the task less the Service Connect proxy', () => {
  const { template } = synthPlatform();
  const task = taskDefinitionOf(template, 'nextjs');
  expect(task.ContainerDefinitions.map((c: any) => c.Name)).toEqual(['nextjs']);
  expect(Object.keys(environmentOf(containerNamed(template, 'nextjs'))).filter((name) => name.startsWith('OTEL_'))).toEqual([]);
  expect(containerNamed(template, 'nextjs').Memory).toBe(1024 - 64);
});

describe('nextjs.tracing on', () => {
  const { stack, platform, template } = synthPlatform({ platformName: 'blog', nextjs: { image: NEXTJS_IMAGE, tracing: {} } });
  const task = taskDefinitionOf(template, 'otel-collector');
  const collector = containerNamed(template, 'otel-collector');
  const nextjs = containerNamed(template, 'nextjs');
  const config = collectorConfig(stack, collector);

  test('the collector runs the pinned ADOT image from Amazon ECR Public, beside Next.js in its task', () => {
    expect(ADOT_COLLECTOR_IMAGE).toMatch(/^public\.ecr\.aws\/aws-observability\/aws-otel-collector:v\d+\.\d+\.\d+$/);
    expect(collector.Image).toBe(ADOT_COLLECTOR_IMAGE);
    expect(task.ContainerDefinitions.map((c: any) => c.Name)).toEqual(['nextjs', 'otel-collector']);
  });

  test('a crash of the collector never stops the task: not essential, restarted in place', () => {
    expect(collector.Essential).toBe(false);
    expect(nextjs.Essential).toBe(true);
    expect(collector.RestartPolicy).toEqual({ Enabled: true, RestartAttemptPeriod: 60 });
    expect(collector.HealthCheck.Command).toEqual(['CMD', '/healthcheck']);
    expect(nextjs.DependsOn).toBeUndefined();
  });

  test('its memory comes out of Next.js\'s share, so both and the Service Connect proxy fit the task', () => {
    expect(collector.Memory).toBe(128);
    expect(nextjs.Memory).toBe(1024 - 64 - 128);
    expect(environmentOf(collector).GOMEMLIMIT).toBe('102MiB');
    expect(config.processors.memory_limiter).toEqual({ check_interval: '1s', limit_mib: 78, spike_limit_mib: 15 });
  });

  test('it logs to the Next.js log group under a stream prefix of its own', () => {
    expect(collector.LogConfiguration.Options['awslogs-group']).toEqual(nextjs.LogConfiguration.Options['awslogs-group']);
    expect(collector.LogConfiguration.Options['awslogs-stream-prefix']).toBe('otel-collector');
    expect(nextjs.LogConfiguration.Options['awslogs-stream-prefix']).toBe('ecs');
  });

  test('Next.js exports OTLP/HTTP to the port the collector receives on, on the loopback address only', () => {
    const environment = environmentOf(nextjs);
    expect(environment).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_SERVICE_NAME: 'blog-nextjs',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.05',
    });
    expect(environment.OTEL_PROPAGATORS).toBeUndefined();
    expect(config.receivers).toEqual({ otlp: { protocols: { http: { endpoint: '127.0.0.1:4318' } } } });
    expect(collector.PortMappings).toBeUndefined();
  });

  test('the pipeline sends traces to X-Ray in the stack\'s region, linked to the Next.js logs', () => {
    expect(config.service.pipelines.traces).toEqual({
      receivers: ['otlp'], processors: ['memory_limiter', 'resourcedetection', 'batch/traces'], exporters: ['awsxray'],
    });
    expect(config.processors['batch/traces'].send_batch_size).toBe(50);
    expect(config.exporters.awsxray).toEqual({ region: 'us-east-1', aws_log_groups: [`<${stack.getLogicalId(platform.nextjs.logGroup.node.defaultChild as any)}>`] });
    expect(config.service.extensions).toEqual(['health_check']);
  });

  test('the task role may put trace segments, on "*" as X-Ray requires, and nothing else; the execution role gains nothing', () => {
    const taskRole = stack.resolve(platform.nextjs.taskDefinition.taskRole.roleArn)['Fn::GetAtt'][0];
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === taskRole))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([{ Sid: 'SendTracesToXRay', Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: '*' }]);
    expect(JSON.stringify(template.toJSON()).match(/xray:/g)).toHaveLength(1);
  });
});

test('a stand-alone Next.js service names its traces "nextjs"; a name, ratio and memory of your own are used', () => {
  const stack = testStack();
  const cluster = new ecs.Cluster(stack, 'Cluster');
  new NextjsService(stack, 'Web', {
    cluster, image: NEXTJS_IMAGE, logGroupName: '/ecs/web', tracing: { samplingRatio: 1, collectorMemoryMiB: 256 },
  });
  new NextjsService(stack, 'Shop', { cluster, image: NEXTJS_IMAGE, tracing: { serviceName: 'shop-web' } });
  const template = Template.fromStack(stack);
  const tasks = Object.values(template.findResources('AWS::ECS::TaskDefinition')).map((t) => t.Properties.ContainerDefinitions);
  const [web, shop] = tasks.map((containers: any[]) => environmentOf(containers.find((c) => c.Name === 'nextjs')));
  expect(web).toMatchObject({ OTEL_SERVICE_NAME: 'nextjs', OTEL_TRACES_SAMPLER_ARG: '1' });
  expect(shop.OTEL_SERVICE_NAME).toBe('shop-web');
  // No Service Connect namespace: Next.js keeps all but the collector's memory.
  expect(tasks[0].map((c: any) => c.Memory)).toEqual([1024 - 256, 256]);
});

describe('bad input names the prop', () => {
  test.each([
    ['nextjs.tracing.samplingRatio', { samplingRatio: 1.5 }, {}, 'Use a share of traces from 0 to 1'],
    ['nextjs.tracing.serviceName', { serviceName: 'my service!' }, {}, 'the characters X-Ray accepts'],
    ['nextjs.tracing.collectorMemoryMiB', { collectorMemoryMiB: 64 }, {}, 'Use a whole number from 96 to 1024'],
    ['nextjs.tracing.collectorMemoryMiB', { collectorMemoryMiB: 256 }, { cpu: 256, memoryLimitMiB: 512 },
      'The task has 512 MiB; with 64 MiB for the Service Connect proxy, the server would keep less than 256 MiB'],
  ])('%s', (prop, tracing, size, message) => {
    expect(() => new HasuraNextjsPlatform(testStack(), 'Platform', minimalProps({ nextjs: { image: NEXTJS_IMAGE, ...size, tracing } })))
      .toThrow(new RegExp(`^Invalid ${prop.replace(/\./g, '\\.')}: .*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  test('the OpenTelemetry variables are the platform\'s, with or without tracing', () => {
    expect(() => synthPlatform({ nextjs: { image: NEXTJS_IMAGE, environment: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' } } }))
      .toThrow('Invalid nextjs.environment: "OTEL_EXPORTER_OTLP_ENDPOINT". The platform sets this variable itself');
  });
});
