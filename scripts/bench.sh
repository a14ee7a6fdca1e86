#!/usr/bin/env bash
# `make bench`: the load benchmark of issue #7 (not part of `make test`).
#
# Starts a throwaway PostgreSQL 15 + Redis (scripts/services.sh) tuned for the box, migrates,
# seeds a 100,000-product catalog (timed), prepares the fixtures, starts gunicorn (sync,
# workers = nproc) on loopback, then drives every scenario with wrk against the app and the
# raw baseline in the same run, counts SQL per request, EXPLAINs every list filter, profiles
# the hot paths and writes bench/results.md (+ bench/QUERIES.md, bench/EXPLAIN.md,
# bench/profiles/). Everything it started is stopped on exit. About 8 minutes on 2 cores.
#
# Knobs (environment): BENCH_DURATION (s per measured run, 15), BENCH_WARMUP (s, 3),
# BENCH_CONNECTIONS (50), BENCH_PRODUCTS (100000), BENCH_ONLY (scenario names, comma-separated),
# BENCH_PROFILE (1: EXPLAIN + profiles; 0 skips them), BENCH_QUIET_WAIT (30 s).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PIP=${PIP:-.venv/bin/pip}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-50}
PRODUCTS=${BENCH_PRODUCTS:-100000}
ONLY=${BENCH_ONLY:-}
PROFILE=${BENCH_PROFILE:-1}
QUIET_WAIT=${BENCH_QUIET_WAIT:-30}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- tools -----------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing wrk with apt"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >&2
  else
    echo "wrk is missing: apt-get install wrk" >&2
    exit 1
  fi
fi
if ! $PY -c 'import orjson, pyinstrument' 2>/dev/null || [ ! -x "$(dirname "$PY")/py-spy" ]; then
  $PIP install -q -r requirements-dev.txt
  if ! $PY -c 'import orjson, pyinstrument' 2>/dev/null || [ ! -x "$(dirname "$PY")/py-spy" ]; then
    echo "the bench needs orjson, pyinstrument and py-spy in requirements-dev.txt" >&2
    exit 1
  fi
fi

# --- services --------------------------------------------------------------------------------
state=$(mktemp -d /tmp/storefront-bench.XXXXXX)
gunicorn_pid=""
cleanup() {
  if [ -n "$gunicorn_pid" ]; then
    kill "$gunicorn_pid" 2>/dev/null || true
    wait "$gunicorn_pid" 2>/dev/null || true
  fi
  scripts/services.sh stop "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
eval "$(scripts/services.sh start "$state")"

# services.sh starts PostgreSQL with its defaults (128 MB shared buffers, costs for spinning
# disks): give it what a production server of this size would have. shared_buffers needs a
# restart; pg_ctl restart reuses the original command line (postmaster.opts).
echo "== tuning PostgreSQL"
as_pg "$pg_bin/psql" -q -h 127.0.0.1 -p "$(cat "$state/pg_port")" -U postgres -d storefront \
  -c "ALTER SYSTEM SET shared_buffers = '1GB'" \
  -c "ALTER SYSTEM SET effective_cache_size = '8GB'" \
  -c "ALTER SYSTEM SET random_page_cost = 1.1"
as_pg "$pg_bin/pg_ctl" -D "$state/pg/data" -w -t 60 restart >/dev/null

# Production settings, as the Procfile runs them; throttles off (the load is one client IP),
# Celery publishes to Redis (no worker: the bench measures the web tier).
export DEBUG=false
SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false
export RATE_LIMITS_ENABLED=false
export LOG_LEVEL=WARNING
export CELERY_TASK_ALWAYS_EAGER=false
export JWT_ACCESS_TTL=7200 # the bench customer's token outlives the run
export STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage
export PYTHONWARNINGS="ignore:No directory at:UserWarning"

echo "== migrate"
$PY manage.py migrate --noinput >"$state/migrate.log"
echo "== seed_demo --products $PRODUCTS"
seed_started=$(date +%s.%N)
$PY manage.py seed_demo --products "$PRODUCTS" | tr '\r' '\n' | grep -v '^\[' || true
seed_seconds=$(python3 -c "print(round($(date +%s.%N) - $seed_started, 1))")
echo "seeded in ${seed_seconds}s"
echo "== fixtures"
$PY -m bench.fixtures "$state"

# --- the server ------------------------------------------------------------------------------
workers=$(nproc)
port=$(free_port)
base_url="http://127.0.0.1:$port"
echo "== gunicorn bench.wsgi, $workers sync workers on $base_url"
.venv/bin/gunicorn bench.wsgi:application --workers "$workers" --bind "127.0.0.1:$port" \
  --no-control-socket --error-logfile "$state/gunicorn.log" &
gunicorn_pid=$!
for _ in $(seq 150); do
  if python3 -c "import urllib.request as u; u.urlopen('$base_url/healthz', timeout=1)" 2>/dev/null; then break; fi
  if ! kill -0 "$gunicorn_pid" 2>/dev/null; then
    cat "$state/gunicorn.log" >&2
    exit 1
  fi
  sleep 0.2
done

# --- measure ---------------------------------------------------------------------------------
echo "== load"
# The CPU time of each tree per request is reported (web = gunicorn, db = PostgreSQL): it holds
# when the box is shared. CPU used outside them during a run is "other load" (another test suite
# makes req/s incomparable); each run first waits up to $QUIET_WAIT s for a quiet machine.
$PY -m bench.load --base-url "$base_url" --state "$state" --duration "$DURATION" --warmup "$WARMUP" \
  --connections "$CONNECTIONS" --only "$ONLY" \
  --watch "web=$gunicorn_pid" --watch "db=$(head -1 "$state/pg/data/postmaster.pid")" \
  --watch "other=$(cat "$state/redis/redis.pid")" --quiet-wait "$QUIET_WAIT"
echo "== SQL queries per request"
$PY -m bench.queries --state "$state" --md bench/QUERIES.md
if [ "$PROFILE" = 1 ]; then
  echo "== EXPLAIN ANALYZE per list filter"
  $PY -m bench.explain --out bench/EXPLAIN.md
  echo "== profiles"
  $PY -m bench.profile --state "$state" --out bench/profiles --base-url "$base_url" \
    --gunicorn-pid "$gunicorn_pid" --duration 10
fi
echo "== report"
$PY -m bench.report --state "$state" --out bench/results.md --seed-seconds "$seed_seconds" --workers "$workers"
