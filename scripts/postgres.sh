#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests (Debian's package, installed
# if missing) and prints its URL. The cluster lives in $HOCPHI_PG_DIR, listens
# only on a port of the loopback address, trusts local connections and keeps no
# data worth keeping: the tests make one database each and drop nothing, so the
# cluster is made afresh on every start.
#   scripts/postgres.sh start   → prints postgres://hocphi@127.0.0.1:PORT/postgres
#   scripts/postgres.sh stop
set -euo pipefail
source "$(dirname "$0")/env.sh"
PORT="${HOCPHI_PG_PORT:-5439}"
DIR="${HOCPHI_PG_DIR:-/tmp/hocphi-pg}"
# PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user
# when we are root (Debian's package makes that user).
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
bin() {
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  echo "$b/$1"
}

case "${1:-start}" in
  start)
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
      apt_install postgresql >&2
    fi
    if [ -f "$DIR/postmaster.pid" ]; then
      as_owner "$(bin pg_ctl)" -D "$DIR" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
    as_owner "$(bin initdb)" -D "$DIR" -U hocphi --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # Durable commits as in production (fsync on); enough connections for the
    # tests' pools running side by side.
    as_owner "$(bin pg_ctl)" -D "$DIR" -l "$DIR/server.log" -w \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=128MB" start >/dev/null
    echo "postgres://hocphi@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_owner "$(bin pg_ctl)" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
