#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL 15 and Redis for the test suite.
#   eval "$(scripts/services.sh start DIR)"   -> exports DATABASE_URL and REDIS_URL
#   scripts/services.sh stop DIR
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user.
set -euo pipefail

action=${1:?start|stop}
dir=${2:?state directory}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

case "$action" in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing redis-server with apt" >&2
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2
    else
      echo "redis-server is missing: apt-get install redis-server" >&2
      exit 1
    fi
  fi
  pg_port=$(free_port)
  redis_port=$(free_port)
  mkdir -p "$dir/pg" "$dir/pgsock" "$dir/redis"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir/pg" "$dir/pgsock"; chmod 755 "$dir"; fi
  as_pg "$pg_bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 start \
    -o "-p $pg_port -k $dir/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$dir/redis" --daemonize yes --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log"
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "$pg_port" >"$dir/pg_port"
  echo "$redis_port" >"$dir/redis_port"
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/storefront"
  echo "export REDIS_URL=redis://127.0.0.1:$redis_port/0"
  echo "export TEST_SERVICES_DIR=$dir"
  as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres storefront
  ;;
stop)
  [ -d "$dir" ] || exit 0
  if [ -f "$dir/redis/redis.pid" ]; then kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true; fi
  if [ -d "$dir/pg/data" ]; then as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
