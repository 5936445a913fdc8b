"""The settings module under production environments, run in fresh processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-for-the-test-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "portal.example.fi",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_misspelt_boolean_is_refused_rather_than_guessed():
    result = run_manage("check", env=PRODUCTION_ENV | {"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def settings_in_subprocess(env: dict[str, str], expression: str) -> object:
    code = f"import json, django; django.setup(); from django.conf import settings; print(json.dumps({expression}))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_", "DATABASE_", "CELERY_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean | {"DJANGO_SETTINGS_MODULE": "portal.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_postgresql_uses_psycopg_with_persistent_connections():
    database = settings_in_subprocess(
        PRODUCTION_ENV | {"DATABASE_URL": "postgres://portal@db.internal:5432/portal"}, "settings.DATABASES['default']"
    )
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "portal"
    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] > 0


def test_without_configuration_the_portal_uses_sqlite_and_an_embedded_broker():
    values = settings_in_subprocess(
        {"DJANGO_DEBUG": "true"},
        "[settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL, settings.CACHES['default']['BACKEND']]",
    )
    assert values[0] == "django.db.backends.sqlite3"
    assert values[1] == "filesystem://"
    assert "dummy" not in values[2].lower()


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("CELERY_TASK_ACKS_LATE", True),
        ("CELERY_TASK_REJECT_ON_WORKER_LOST", True),
        ("CELERY_WORKER_PREFETCH_MULTIPLIER", 1),
    ],
)
def test_celery_is_configured_for_reliable_jobs(settings, setting, expected):
    assert getattr(settings, setting) == expected


def test_broker_does_not_redeliver_a_job_before_its_hard_time_limit(settings):
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


def test_links_in_emails_follow_the_port_of_make_run():
    """`PORT=8123 make run` serves the demo on 8123: the links in its emails must lead there."""
    assert settings_in_subprocess({"DJANGO_DEBUG": "true", "PORT": "8123"}, "settings.PORTAL_BASE_URL") == (
        "http://127.0.0.1:8123"
    )
    assert settings_in_subprocess({"DJANGO_DEBUG": "true", "PORT": ""}, "settings.PORTAL_BASE_URL") == (
        "http://127.0.0.1:8000"
    )
    production = {"DJANGO_DEBUG": "true", "PORT": "8123", "PORTAL_BASE_URL": "https://portaali.example.fi/"}
    assert settings_in_subprocess(production, "settings.PORTAL_BASE_URL") == "https://portaali.example.fi"


def test_the_demo_script_serves_and_links_to_the_same_port(tmp_path):
    """scripts/run-demo.sh (what `make run` starts) with a stand-in Python that records what the web
    server and the settings it starts with were given."""
    record = tmp_path / "record"
    stand_in = tmp_path / "python"
    stand_in.write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$2" = runserver ]; then\n'
        f'  echo "serves $3" >> {record}\n'
        f"  {sys.executable} -c 'import django; django.setup(); from django.conf import settings; "
        f'print("links", settings.PORTAL_BASE_URL)\' >> {record}\n'
        "fi\n"
    )
    stand_in.chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_", "DATABASE_", "CELERY_"))}
    subprocess.run(
        ["bash", str(BASE_DIR / "scripts" / "run-demo.sh")],
        env=clean | {"PORT": "8123", "PY": str(stand_in), "DJANGO_SETTINGS_MODULE": "portal.settings",
                     "PORTAL_VAR_DIR": str(tmp_path / "var")},
        cwd=BASE_DIR, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert record.read_text().splitlines() == ["serves 127.0.0.1:8123", "links http://127.0.0.1:8123"]


def test_postgresql_connections_fail_fast_and_are_checked_before_use():
    database = settings_in_subprocess(
        PRODUCTION_ENV | {"DATABASE_URL": "postgres://portal@db.internal:5432/portal"}, "settings.DATABASES['default']"
    )
    # A stopped database is an error page in seconds, and a connection from before its restart is
    # noticed at the start of the next request instead of failing it.
    assert database["OPTIONS"]["connect_timeout"] <= 2
    assert database["CONN_HEALTH_CHECKS"] is True
