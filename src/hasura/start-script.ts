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
    + '@$PLATFORM_DB_HOST:$PLATFORM_DB_PORT/$PLATFORM_DB_NAME?sslmode=$PLATFORM_DB_SSLMODE"',
  'export HASURA_GRAPHQL_DATABASE_URL',
  'unset PLATFORM_DB_PASSWORD',
  'exec "$0" "$@"',
].join('\n');
