#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster that this script starts and stops itself.
# It exports CIRCLES_TEST_DATABASE_URL for the tests (and DATABASE_URL for anything else).
set -euo pipefail

if [ -n "${CIRCLES_TEST_DATABASE_URL:-}" ]; then exec "$@"; fi   # an outside database was given

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian's PostgreSQL for the second test run..."
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  else
    echo "PostgreSQL is not installed and this is not root: cannot run the PostgreSQL test run." >&2
    exit 1
  fi
fi

port=15432
while ss -Htln "sport = :$port" 2>/dev/null | grep -q .; do port=$((port + 1)); done
pgdata=$(mktemp -d /tmp/circles-pg.XXXXXX)
runas=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$pgdata"
  runas=(runuser -u postgres --)
fi
chmod 700 "$pgdata"

cleanup() {
  "${runas[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pgdata"
}
trap cleanup EXIT

"${runas[@]}" "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${runas[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $pgdata -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$pgdata/server.log"; exit 1; }
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres circles_test

export CIRCLES_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/circles_test"
export CIRCLES_PG_ADMIN_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
"$@"
