#!/usr/bin/env bash
# `make run`: the shop on the embedded default (SQLite, filesystem broker, console mail/SMS),
# with a Celery worker (+ beat) beside the web server. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
STAFF_EMAIL=${STAFF_EMAIL:-admin@storefront.local}
STAFF_PASSWORD=${STAFF_PASSWORD:-storefront-admin-2026}

$PY manage.py migrate --noinput
if $PY manage.py help seed_demo >/dev/null 2>&1; then
  $PY manage.py seed_demo
fi
$PY manage.py ensure_staff_user --email "$STAFF_EMAIL" --password "$STAFF_PASSWORD"

mkdir -p var/celery-broker/processed var/log
# The sandbox gateway's worker posts its signed payment callbacks back to this server.
export PAYMENT_SANDBOX_CALLBACK_URL=${PAYMENT_SANDBOX_CALLBACK_URL:-http://$HOST:$PORT}
.venv/bin/celery -A config worker -B --loglevel INFO --concurrency 2 \
  --schedule var/celerybeat-schedule >var/log/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true; wait $worker 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Storefront is running:  http://$HOST:$PORT/
  API docs:               http://$HOST:$PORT/api/docs/
  Admin:                  http://$HOST:$PORT/admin/   ($STAFF_EMAIL / $STAFF_PASSWORD)
  Worker log:             var/log/worker.log   (emails and SMS are printed there)

MSG
$PY manage.py runserver "$HOST:$PORT"
