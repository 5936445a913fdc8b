#!/usr/bin/env bash
# The demo portal: SQLite, an embedded Celery transport, demo data and a worker beside the web server.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
export PORTAL_DEMO_MODE=true
PY="${PY:-.venv/bin/python}"
# Exported: the settings build the links in emails (PORTAL_BASE_URL) from it.
export PORT="${PORT:-8000}"

"$PY" manage.py migrate --no-input -v0
"$PY" manage.py seed_demo

# One worker with an embedded beat, which runs the scheduled jobs (agreement reminders).
"$PY" -m celery -A portal worker --beat --schedule "${PORTAL_VAR_DIR:-var}/celery/beat-schedule" --loglevel=WARNING --concurrency=1 &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM

echo
echo "Järjestöportaali is running at http://127.0.0.1:${PORT}/  (Ctrl-C stops the web server and the worker)"
echo "Emails, such as sign-up verification links, are printed below."
echo
"$PY" manage.py runserver "127.0.0.1:${PORT}"
