#!/usr/bin/env bash
# Dump the portal's PostgreSQL database (pg_dump's custom format, for pg_restore) into
# BACKUP_DIR and delete dumps older than BACKUP_KEEP_DAYS - only after a new dump succeeded.
# Run nightly by jarjestoportaali-backup.timer, or by hand with the portal's environment:
#   set -a; . /etc/jarjestoportaali/env; set +a; deploy/backup-database.sh
# Copy BACKUP_DIR off this machine too (docs/deployment.md, "Backups").
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must be set}"
BACKUP_DIR="${BACKUP_DIR:-/var/lib/jarjestoportaali/backups}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
PYTHON="${PYTHON:-$(dirname "$0")/../.venv/bin/python}"

# libpq reads the connection from PG* variables, so the password never shows in `ps`. (Assigned
# first: a failure inside eval "$(...)" would not stop the script.)
connection="$("$PYTHON" - <<'PY'
import os, shlex
import dj_database_url

db = dj_database_url.parse(os.environ["DATABASE_URL"])
if db["ENGINE"] != "django.db.backends.postgresql":
    raise SystemExit("DATABASE_URL is not a PostgreSQL database")
names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
for key, name in names.items():
    if db.get(key):
        print(f"export {name}={shlex.quote(str(db[key]))}")
if db.get("OPTIONS", {}).get("sslmode"):
    print(f"export PGSSLMODE={shlex.quote(db['OPTIONS']['sslmode'])}")
PY
)"
eval "$connection"

umask 077
mkdir -p "$BACKUP_DIR"
target="$BACKUP_DIR/jarjestoportaali-$(date -u +%Y%m%dT%H%M%SZ).dump"
# Written under a temporary name and renamed when complete and readable, so a half-written
# dump is never taken for a backup.
pg_dump --format=custom --compress=6 --file="$target.partial"
pg_restore --list "$target.partial" >/dev/null
mv "$target.partial" "$target"
echo "backup: $target ($(du -h "$target" | cut -f1))"

find "$BACKUP_DIR" -maxdepth 1 -name 'jarjestoportaali-*.dump' -mtime +"$BACKUP_KEEP_DAYS" -print -delete
find "$BACKUP_DIR" -maxdepth 1 -name 'jarjestoportaali-*.dump.partial' -mmin +1440 -delete
