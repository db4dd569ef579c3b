#!/usr/bin/env bash
# Installs what test/integration/postgres-url.test.ts needs: a PostgreSQL server (initdb, pg_ctl, postgres),
# the psql client, and the openssl command line tool. Debian/Ubuntu only (apt-get). Does nothing when all of
# them are already there, so it is cheap to call on every CI run.
set -euo pipefail

have_server() {
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && [ -x "$bin/postgres" ] && [ -x "$bin/psql" ]; then
      return 0
    fi
  done
  return 1
}

missing=()
have_server || missing+=(postgresql)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "PostgreSQL server, psql and openssl are already installed."
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${missing[*]}, and apt-get is not available; install them with this system's package manager." >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "Missing: ${missing[*]}; installing them needs root (or sudo)." >&2
    exit 1
  fi
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
# The tests start their own throwaway server; the package's default cluster is not needed, so none is created.
"${sudo[@]}" mkdir -p /etc/postgresql-common/createcluster.d
echo 'create_main_cluster = false' | "${sudo[@]}" tee /etc/postgresql-common/createcluster.d/no-main-cluster.conf >/dev/null
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql postgresql-client openssl

have_server || { echo "apt-get finished, but no PostgreSQL server programs are in /usr/lib/postgresql/*/bin" >&2; exit 1; }
echo "Installed: ${missing[*]}"
