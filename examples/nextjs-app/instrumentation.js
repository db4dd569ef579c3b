// instrumentation.js: traces of the server's requests and of its calls to Hasura, exported over
// OTLP/HTTP to the collector at OTEL_EXPORTER_OTLP_ENDPOINT (the platform runs one next to the server
// and forwards to AWS X-Ray). Without that variable the server records no traces at all.
// Next calls register() once when a server starts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || !process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    return;
  }
  const [{ registerOTel }, { AWSXRayIdGenerator }, { AWSXRayPropagator }] = await Promise.all([
    import('@vercel/otel'),
    import('@opentelemetry/id-generator-aws-xray'),
    import('@opentelemetry/propagator-aws-xray'),
  ]);
  registerOTel({
    // OTEL_SERVICE_NAME, when set, takes precedence.
    serviceName: 'nextjs',
    // X-Ray reads the first 8 hex digits of a trace id as its start time.
    idGenerator: new AWSXRayIdGenerator(),
    // W3C trace context, and the X-Amzn-Trace-Id header the load balancer adds, continue incoming traces.
    propagators: ['auto', new AWSXRayPropagator()],
  });
}
