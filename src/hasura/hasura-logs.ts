import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * What Hasura GraphQL Engine (CE) writes about its requests, and how to read it. CE exports neither
 * OpenTelemetry traces and metrics nor Prometheus metrics (both are Enterprise Edition features), so
 * its JSON log lines are the only record of what it did. Every line is
 * `{"timestamp", "level", "type", "detail"}` (`EngineLog`, `Hasura/Logging.hs`).
 */

/** Log types Hasura enables unless `HASURA_GRAPHQL_ENABLED_LOG_TYPES` says otherwise (`Hasura/Logging.hs`). */
export const HASURA_DEFAULT_LOG_TYPES = ['startup', 'http-log', 'webhook-log', 'websocket-log', 'jwk-refresh-log'];

/**
 * The log type that records every operation's GraphQL text, variables and generated SQL: personal data
 * in the logs, and far more ingestion. Never on by default.
 */
export const HASURA_QUERY_LOG_TYPE = 'query-log';

/** One line per HTTP request (`mkHttpLog`, `Hasura/Server/Logging.hs`); the metrics below read only these. */
const HTTP_LOG = logs.FilterPattern.stringValue('$.type', '=', 'http-log');

/**
 * CloudWatch Logs filter patterns over Hasura's `http-log` lines:
 * - `level` is `error` exactly when `detail.operation.error` is present, whatever the HTTP status:
 *   Hasura answers GraphQL errors (validation, permissions, constraint violations, failed actions,
 *   invalid JWTs) with HTTP 200, so only its log sees them. Every 5xx it answers is such a line too.
 * - `detail.operation.query_execution_time` is the time Hasura spent executing the operation, in
 *   seconds; CE writes it on successful operations only.
 * Batched requests log their operations under `detail.batched_operations` of one line, and
 * subscriptions and websocket operations go to `websocket-log`: neither is counted here.
 */
export const HASURA_LOG_PATTERNS = {
  /** Every HTTP request Hasura answered. */
  operations: (): logs.IFilterPattern => HTTP_LOG,
  /** Requests Hasura answered with an error. */
  errors: (): logs.IFilterPattern => logs.FilterPattern.all(HTTP_LOG, logs.FilterPattern.stringValue('$.level', '=', 'error')),
  /** Successful operations that took longer than `seconds` to execute. */
  slowerThan: (seconds: number): logs.IFilterPattern => logs.FilterPattern.all(HTTP_LOG,
    logs.FilterPattern.numberValue('$.detail.operation.query_execution_time', '>', seconds)),
};
