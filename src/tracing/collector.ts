import { Duration, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { TracingOptions } from './tracing-options';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';
import { ContainerSidecar } from '../services/container-service';

/**
 * The AWS Distro for OpenTelemetry collector the platform runs, pinned. Public ECR, never Docker Hub:
 * the release workflow of aws-observability/aws-otel-collector pushes each version there before it
 * publishes the GitHub release (v0.50.0: 2026-08-31, OpenTelemetry Collector Contrib v0.158.0).
 */
export const ADOT_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.50.0';

/** Name of the collector's container in the task. */
export const COLLECTOR_CONTAINER_NAME = 'otel-collector';

/** Port of the collector's OTLP/HTTP receiver, on the task's loopback address only. */
export const OTLP_HTTP_PORT = 4318;

/**
 * Where the server sends its spans. An IP address rather than `localhost`: Node.js may resolve
 * `localhost` to `::1` first, where the collector does not listen.
 */
export const OTLP_HTTP_ENDPOINT = `http://127.0.0.1:${OTLP_HTTP_PORT}`;

/** Port of the collector's health_check extension, which the image's `/healthcheck` binary asks. */
const HEALTH_CHECK_PORT = 13133;

/** Defaults of the tracing options. */
export const DEFAULT_TRACING = { samplingRatio: 0.05, collectorMemoryMiB: 128, serviceName: 'nextjs' } as const;

/**
 * What the collector calls: the awsxray exporter uploads with PutTraceSegments and nothing else (its
 * `telemetry` upload, PutTelemetryRecords, is off by default). Sampling is decided in the server by
 * ratio, so X-Ray's sampling-rule actions (GetSamplingRules, GetSamplingTargets,
 * GetSamplingStatisticSummaries) are not needed. X-Ray defines no resource type for PutTraceSegments
 * (Service Authorization Reference, "Actions, resources, and condition keys for AWS X-Ray"), so the
 * statement names Resource "*".
 */
export const XRAY_ACTIONS = ['xray:PutTraceSegments'];

/**
 * An ADOT collector beside the service's container: it receives OTLP/HTTP on the task's loopback
 * address and sends traces to X-Ray in the stack's region, linked to the service's log group. It is
 * not essential, so a crashed collector costs traces, never the service; ECS restarts it in place.
 */
export function traceCollector(options: TracingOptions): ContainerSidecar {
  const memoryMiB = options.collectorMemoryMiB ?? DEFAULT_TRACING.collectorMemoryMiB;
  return {
    memoryLimitMiB: memoryMiB,
    addTo: (taskDefinition: ecs.TaskDefinition, logGroup: logs.ILogGroup) => {
      const config = collectorConfig(Stack.of(taskDefinition).region, logGroup.logGroupName, memoryMiB);
      taskDefinition.addContainer(COLLECTOR_CONTAINER_NAME, {
        image: options.collectorImage ?? ecs.ContainerImage.fromRegistry(ADOT_COLLECTOR_IMAGE),
        essential: false,
        // Restarted in place when it exits after running a minute or more (the shortest period ECS allows).
        enableRestartPolicy: true,
        restartAttemptPeriod: Duration.seconds(60),
        memoryLimitMiB: memoryMiB,
        environment: {
          // The ADOT collector reads its whole configuration from this variable when it is set.
          AOT_CONFIG_CONTENT: Stack.of(taskDefinition).toJsonString(config),
          // The Go runtime collects harder as it nears this, well before the container's hard limit.
          GOMEMLIMIT: `${Math.floor(memoryMiB * 0.8)}MiB`,
        },
        healthCheck: {
          command: ['CMD', '/healthcheck'],
          interval: Duration.seconds(30),
          timeout: Duration.seconds(5),
          retries: 3,
          startPeriod: Duration.seconds(10),
        },
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: COLLECTOR_CONTAINER_NAME }),
      });
      taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ sid: 'SendTracesToXRay', actions: XRAY_ACTIONS, resources: ['*'] }));
      acknowledge(taskDefinition.taskRole, 'The trace collector uploads segments with xray:PutTraceSegments, for which'
        + ' X-Ray defines no resource type, so the statement can only name Resource "*"; it grants no other action.',
      'AwsSolutions-IAM5[Resource::*]', ...nistAndHipaa('IAMNoInlinePolicy'));
    },
  };
}

/**
 * The collector's configuration: OTLP/HTTP on loopback -> memory limiter -> ECS resource attributes
 * -> batches of 50 (X-Ray's PutTraceSegments takes at most 50 documents) -> X-Ray. The memory limiter
 * drops data before the heap reaches the container's limit less the ~50 MiB the collector's
 * documentation says the process needs beyond its heap.
 */
export function collectorConfig(region: string, logGroupName: string, memoryMiB: number): object {
  const limitMiB = memoryMiB - 50;
  return {
    extensions: { health_check: { endpoint: `127.0.0.1:${HEALTH_CHECK_PORT}` } },
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${OTLP_HTTP_PORT}` } } } },
    processors: {
      'memory_limiter': { check_interval: '1s', limit_mib: limitMiB, spike_limit_mib: Math.floor(limitMiB / 5) },
      'resourcedetection': { detectors: ['env', 'ecs'] },
      'batch/traces': { timeout: '1s', send_batch_size: 50 },
    },
    // aws_log_groups links each trace to the service's logs in the X-Ray console.
    exporters: { awsxray: { region, aws_log_groups: [logGroupName] } },
    service: {
      extensions: ['health_check'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'resourcedetection', 'batch/traces'], exporters: ['awsxray'] },
      },
    },
  };
}
