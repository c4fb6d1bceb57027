#!/usr/bin/env bash
# Wait for the database, apply migrations if ATELIER_MIGRATE=1, then run the
# command. Compose migrates once in its `migrate` service instead; set
# ATELIER_MIGRATE=1 where no such step exists (a single container).
set -euo pipefail
python - <<'PY'
import os, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection
for attempt in range(60):
    try:
        connection.ensure_connection()
        break
    except Exception:
        time.sleep(1)
else:
    raise SystemExit("database not reachable")
PY
if [ "${ATELIER_MIGRATE:-0}" = "1" ]; then
  python manage.py migrate --noinput
fi
exec "$@"
