#!/usr/bin/env bash
# `make test`: lint, migrations check, deploy check, then the whole suite on a throwaway
# PostgreSQL and Redis that this script starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

# The browser tests drive Debian's Chromium; install it when we can (as root), else they skip.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium with apt" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
fi

state=$(mktemp -d /tmp/storefront-test.XXXXXX)
cleanup() { scripts/services.sh stop "$state"; }
trap cleanup EXIT
eval "$(scripts/services.sh start "$state")"

export CELERY_TASK_ALWAYS_EAGER=true
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export SMS_BACKEND=locmem


echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== migrations"
$PY manage.py makemigrations --check --dry-run
echo "== deploy check (production settings)"
DEBUG=false SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  ALLOWED_HOSTS=shop.example.com $PY manage.py check --deploy --fail-level WARNING
echo "== tests (PostgreSQL $DATABASE_URL, Redis $REDIS_URL)"
DJANGO_ALLOW_ASYNC_UNSAFE=true $PY -m pytest "$@"
