import * as ecs from 'aws-cdk-lib/aws-ecs';

/**
 * Traces to AWS X-Ray through an AWS Distro for OpenTelemetry (ADOT) collector that runs beside the
 * server in each task. The server exports OTLP/HTTP to the collector on the task's loopback address;
 * the application instruments itself (an `instrumentation.ts` with `@vercel/otel` or
 * `@opentelemetry/sdk-node`), reading the standard `OTEL_*` variables the platform sets.
 */
export interface TracingOptions {
  /**
   * Share of new traces recorded, from 0 to 1 (`OTEL_TRACES_SAMPLER_ARG` of the
   * `parentbased_traceidratio` sampler: a request that arrives with a sampled parent is always
   * recorded). X-Ray bills $5.00 per million traces recorded beyond the free 100,000 a month: 5% of a
   * million requests stays inside the free tier.
   *
   * @default 0.05
   */
  readonly samplingRatio?: number;

  /**
   * Name the traces carry (`OTEL_SERVICE_NAME`): the node's name in the X-Ray trace map. Letters,
   * digits and `.`, `_`, `-`, `:`, `/`, at most 64 characters.
   *
   * @default - `<platformName>-nextjs` in a platform; `nextjs` for a stand-alone service
   */
  readonly serviceName?: string;

  /**
   * Memory the collector may use, in MiB (96 to 1024), taken from the task's memory: the server's
   * hard limit shrinks by as much. The collector drops data before it reaches the limit.
   *
   * @default 128
   */
  readonly collectorMemoryMiB?: number;

  /**
   * The collector image, e.g. a copy in a registry you mirror into. It must be an AWS Distro for
   * OpenTelemetry collector (the platform configures it through `AOT_CONFIG_CONTENT`).
   *
   * @default - `public.ecr.aws/aws-observability/aws-otel-collector` at the version this library pins
   */
  readonly collectorImage?: ecs.ContainerImage;
}
