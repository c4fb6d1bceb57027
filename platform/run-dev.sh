#!/usr/bin/env bash
# Serve Atelier on http://127.0.0.1:8000 with a Celery worker (all queues)
# and beat, from one command. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo runs with DEBUG on (Django's default here is off, as in production).
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
BIN=.venv/bin
mkdir -p var/broker var/broker-processed var/broker-control
# Locally: sign in before confirming the address, and keep each sent mail
# for staff at /staff/mail/ (it is also printed here).
export ATELIER_EMAIL_VERIFICATION="${ATELIER_EMAIL_VERIFICATION:-optional}"
export ATELIER_MAIL_STORE="${ATELIER_MAIL_STORE:-1}"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
$BIN/celery -A config.celery worker -Q generation,imaging,default -c 1 -l info &
pids+=($!)
$BIN/celery -A config.celery beat -l info &
pids+=($!)
echo "Atelier: http://127.0.0.1:${PORT:-8000}/  (API docs: /api/docs/, sent mail: /staff/mail/)"
$BIN/python manage.py runserver "127.0.0.1:${PORT:-8000}" &
pids+=($!)
wait -n "${pids[@]}"
