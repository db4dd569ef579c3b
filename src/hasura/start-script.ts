import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RDS_CA_BUNDLE } from './engine-image';
import { PlatformDatabase } from '../database/database';

/**
 * POSIX shell run as the Hasura container's entry point. It builds `HASURA_GRAPHQL_DATABASE_URL` from
 * credentials that ECS injects from Secrets Manager, so no password is ever in the template or in
 * plain environment. User name and password are percent-encoded byte by byte (RFC 3986 unreserved
 * characters pass through), so any ASCII password, including rotated ones, yields a valid URL. The
 * password variable is cleared before Hasura starts, then the container's command is executed
 * (`$0 "$@"`, by default `graphql-engine serve`).
 */
export const HASURA_START_SCRIPT = [
  'set -eu',
  'urlencode() {',
  '  rest=$1 out=',
  '  while [ -n "$rest" ]; do',
  '    tail=${rest#?} char=${rest%"$tail"} rest=$tail',
  '    case $char in',
  '      [A-Za-z0-9._~-]) out=$out$char ;;',
  '      *) out=$out$(printf \'%%%02X\' "\'$char") ;;',
  '    esac',
  '  done',
  '  printf \'%s\' "$out"',
  '}',
  'HASURA_GRAPHQL_DATABASE_URL="postgres://$(urlencode "$PLATFORM_DB_USER"):$(urlencode "$PLATFORM_DB_PASSWORD")'
    + '@$PLATFORM_DB_HOST:$PLATFORM_DB_PORT/$PLATFORM_DB_NAME?sslmode=$PLATFORM_DB_SSLMODE'
    + '${PLATFORM_DB_SSLROOTCERT:+&sslrootcert=$PLATFORM_DB_SSLROOTCERT}"',
  'export HASURA_GRAPHQL_DATABASE_URL',
  'unset PLATFORM_DB_PASSWORD',
  'exec "$0" "$@"',
].join('\n');

/**
 * Plain environment `HASURA_START_SCRIPT` reads to reach `database` (no secret in it). With
 * `verifyServer`, the image holds the RDS certificate authorities (the platform's engine image does), and
 * libpq verifies the server's certificate and host name (`sslmode=verify-full`); otherwise it only
 * encrypts (`require`), which does not tell the database from an impostor.
 */
export function startScriptEnvironment(database: PlatformDatabase, verifyServer: boolean): { [name: string]: string } {
  return {
    PLATFORM_DB_HOST: database.instance.dbInstanceEndpointAddress,
    PLATFORM_DB_PORT: database.instance.dbInstanceEndpointPort,
    PLATFORM_DB_NAME: database.databaseName,
    PLATFORM_DB_SSLMODE: verifyServer ? 'verify-full' : 'require',
    ...(verifyServer ? { PLATFORM_DB_SSLROOTCERT: RDS_CA_BUNDLE } : {}),
  };
}

/**
 * The credentials `HASURA_START_SCRIPT` reads, injected by ECS from `credentials` (a JSON secret with
 * `username` and `password`: Hasura's own database role's, never the master user's).
 */
export function startScriptSecrets(credentials: secretsmanager.ISecret): { [name: string]: ecs.Secret } {
  return {
    PLATFORM_DB_USER: ecs.Secret.fromSecretsManager(credentials, 'username'),
    PLATFORM_DB_PASSWORD: ecs.Secret.fromSecretsManager(credentials, 'password'),
  };
}

/** The metadata API call that reloads the metadata and recreates every event trigger's PostgreSQL trigger. */
export const RELOAD_RECREATING_EVENT_TRIGGERS = {
  type: 'reload_metadata',
  args: { reload_remote_schemas: true, reload_sources: false, recreate_event_triggers: true },
};

/** Port of the throwaway server that checks the applied metadata; it listens on 127.0.0.1 only. */
export const METADATA_CHECK_PORT = 8080;

/**
 * POSIX shell run after the cli-migrations entry point has applied metadata, migrations and a metadata
 * reload. It starts graphql-engine on 127.0.0.1 only and waits for it to answer. Then it reloads the
 * metadata once more with `recreate_event_triggers`: on a new database the entry point applies the
 * metadata before the migrations that create the tables, which can leave event triggers in the
 * metadata without their PostgreSQL triggers (hasura/graphql-engine#9976), so that no event would ever
 * fire. Last, it exits 0 only when `/healthz?strict=true` answers HTTP 200 with body `OK` (500 when
 * metadata is inconsistent; a non-strict server would answer 200 `WARN: inconsistent objects in schema`).
 */
export const HASURA_METADATA_CHECK_SCRIPT = [
  'set -u',
  `port=\${HASURA_METADATA_CHECK_PORT:-${METADATA_CHECK_PORT}}`,
  '"${HGE_BINARY:-graphql-engine}" serve --server-host 127.0.0.1 --server-port "$port" --enabled-apis graphql,metadata &',
  'pid=$!',
  'code=000',
  'for attempt in $(seq 1 "${HASURA_METADATA_CHECK_TIMEOUT:-180}"); do',
  '  if ! kill -0 "$pid" 2>/dev/null; then echo "graphql-engine exited before answering /healthz" >&2; exit 1; fi',
  '  code=$(curl -s -o /tmp/healthz -w \'%{http_code}\' \'http://127.0.0.1:\'"$port"\'/healthz\') || true',
  '  [ "$code" != 000 ] && break',
  '  sleep 1',
  'done',
  'reload=$(curl -s -o /tmp/reload -w \'%{http_code}\' -X POST "http://127.0.0.1:$port/v1/metadata"'
    + ' -H "X-Hasura-Admin-Secret: $HASURA_GRAPHQL_ADMIN_SECRET" -H \'Content-Type: application/json\''
    + ` -d '${JSON.stringify(RELOAD_RECREATING_EVENT_TRIGGERS)}') || true`,
  'if [ "$reload" != 200 ]; then echo "Hasura metadata reload failed: HTTP $reload: $(cat /tmp/reload 2>/dev/null)" >&2; fi',
  'code=$(curl -s -o /tmp/healthz -w \'%{http_code}\' "http://127.0.0.1:$port/healthz?strict=true") || true',
  'body=$(cat /tmp/healthz 2>/dev/null || true)',
  'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null',
  'if [ "$reload" = 200 ] && [ "$code" = 200 ] && [ "$body" = OK ]; then echo "Hasura metadata is consistent"; exit 0; fi',
  'echo "Hasura metadata check failed: /healthz?strict=true answered HTTP $code: $body" >&2',
  'exit 1',
].join('\n');
