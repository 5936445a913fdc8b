"""The deployment files: gunicorn.conf.py, the Procfile, the systemd units, deploy/env.example and
the backup script agree with each other and with the settings, and actually start."""

from __future__ import annotations

import json
import os
import re
import runpy
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from celery import Celery
from celery.app.utils import find_app
from django.db import connection
from gunicorn.config import Config

from portal.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
GUNICORN_CONF = BASE_DIR / "gunicorn.conf.py"
PROCFILE = BASE_DIR / "Procfile"
UNITS = BASE_DIR / "deploy" / "systemd"
ENV_EXAMPLE = BASE_DIR / "deploy" / "env.example"
BACKUP_SCRIPT = BASE_DIR / "deploy" / "backup-database.sh"
PROCESS_TYPES = {"release", "web", "worker", "beat"}
# The unit of each Procfile process type.
UNIT_OF = {
    "web": "jarjestoportaali-web.service",
    "worker": "jarjestoportaali-worker.service",
    "beat": "jarjestoportaali-beat.service",
    "release": "jarjestoportaali-release@.service",
}
GUNICORN_VARIABLES = (
    "PORT",
    "GUNICORN_BIND",
    "GUNICORN_WORKERS",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_KEEPALIVE",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_MAX_REQUESTS_JITTER",
    "FORWARDED_ALLOW_IPS",
    "RUNTIME_DIRECTORY",
    "GUNICORN_CMD_ARGS",
)
SECRETS = ("DJANGO_SECRET_KEY", "EMAIL_HOST_PASSWORD", "PORTAL_S3_ACCESS_KEY_ID", "PORTAL_S3_SECRET_ACCESS_KEY")
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-for-the-test-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "portal.example.fi",
}


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This process's environment without the portal's settings, and with a throwaway var folder,
    so that a started process runs as the defaults say and writes nothing into the checkout."""
    prefixes = ("DJANGO_", "PORTAL_", "DATABASE_", "CELERY_", "CACHE_", "GUNICORN_", "EMAIL_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    for name in ("PORT", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "MEDIA_ROOT", "RUNTIME_DIRECTORY"):
        env.pop(name, None)
    return env | {"PORTAL_VAR_DIR": str(tmp_path / "var"), "DJANGO_DEBUG": "true"} | extra


# --- gunicorn.conf.py -------------------------------------------------------------------------


def gunicorn_config(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Config:
    """gunicorn.conf.py as gunicorn itself applies it (Config.set runs each setting's validator)."""
    for name in GUNICORN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(GUNICORN_CONF)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_gunicorn_defaults_suit_one_machine_behind_a_proxy(monkeypatch):
    config = gunicorn_config(monkeypatch, {})
    cores = len(os.sched_getaffinity(0))
    assert config.bind == ["127.0.0.1:8000"]
    assert config.worker_class_str == "gthread"
    assert config.workers == min(2 * cores + 1, 9)
    assert config.threads > 1
    assert config.timeout > config.graceful_timeout > 0
    assert config.keepalive > 0
    assert config.max_requests > 0
    assert 0 < config.max_requests_jitter < config.max_requests
    assert config.preload_app is True
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert config.accesslog == "-"
    assert "x-forwarded-for" in config.access_log_format


def test_gunicorn_settings_come_from_the_environment(monkeypatch, tmp_path):
    config = gunicorn_config(
        monkeypatch,
        {
            "GUNICORN_BIND": "10.0.0.11:8001,unix:/run/portal.sock",
            "GUNICORN_WORKERS": "3",
            "GUNICORN_THREADS": "8",
            "GUNICORN_TIMEOUT": "90",
            "GUNICORN_GRACEFUL_TIMEOUT": "20",
            "GUNICORN_KEEPALIVE": "75",
            "GUNICORN_MAX_REQUESTS": "500",
            "GUNICORN_MAX_REQUESTS_JITTER": "50",
            "FORWARDED_ALLOW_IPS": "10.0.0.0/24",
            "RUNTIME_DIRECTORY": str(tmp_path),
        },
    )
    assert config.bind == ["10.0.0.11:8001", "unix:/run/portal.sock"]
    assert (config.workers, config.threads) == (3, 8)
    assert (config.timeout, config.graceful_timeout, config.keepalive) == (90, 20, 75)
    assert (config.max_requests, config.max_requests_jitter) == (500, 50)
    assert config.forwarded_allow_ips == ["10.0.0.0/24"]
    assert config.control_socket == str(tmp_path / "gunicorn.ctl")


def test_gunicorn_follows_the_platform_conventions(monkeypatch):
    config = gunicorn_config(monkeypatch, {"PORT": "5000", "WEB_CONCURRENCY": "2"})
    assert config.bind == ["0.0.0.0:5000"]
    assert config.workers == 2


@pytest.mark.parametrize("production", [False, True], ids=["debug", "production"])
def test_gunicorn_check_config_loads_the_application(tmp_path, production):
    env = clean_env(tmp_path, **(PRODUCTION_ENV if production else {}))
    result = subprocess.run(
        [VENV_BIN / "gunicorn", "--check-config", "-c", GUNICORN_CONF, "portal.wsgi:application"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_serves_the_health_check_and_stops_gracefully(tmp_path):
    """The real thing: the preloading master forks gthread workers that answer /healthz, and a
    SIGTERM (what systemd sends) stops it cleanly."""
    env = clean_env(tmp_path, GUNICORN_BIND="127.0.0.1:0", GUNICORN_WORKERS="2", GUNICORN_THREADS="2")
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [VENV_BIN / "gunicorn", "-c", GUNICORN_CONF, "portal.wsgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        address = None
        deadline = time.monotonic() + 60
        while address is None and time.monotonic() < deadline and server.poll() is None:
            found = re.search(r"Listening at: (http://[\d.]+:\d+)", log.read_text())
            address = found and found.group(1)
            time.sleep(0.2)
        assert address, log.read_text()
        with urllib.request.urlopen(f"{address}/healthz", timeout=30) as response:  # noqa: S310 - our own server
            assert response.status == 200
            assert json.loads(response.read())["status"] == "ok"
    finally:
        server.send_signal(signal.SIGTERM)
        returncode = server.wait(timeout=60)
    output = log.read_text()
    assert returncode == 0, output
    assert "Using worker: gthread" in output
    assert '"GET /healthz HTTP/1.1" 200' in output


# --- Procfile ---------------------------------------------------------------------------------


def procfile() -> dict[str, str]:
    processes = {}
    for line in PROCFILE.read_text().splitlines():
        found = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line)
        if found:
            processes[found.group(1)] = found.group(2)
    return processes


def normalised(command: str) -> list[str]:
    """A command's words with paths reduced to file names and shell defaults (${X:-2}) to the
    plain variable, as systemd writes it."""
    words = shlex.split(re.sub(r"\$\{([A-Z0-9_]+):-[^}]*\}", r"${\1}", command))
    return [Path(word).name if word.startswith("/") else word for word in words]


def option(words: list[str], *names: str) -> str | None:
    for index, word in enumerate(words):
        for name in names:
            if word == name:
                return words[index + 1]
            if name.startswith("--") and word.startswith(f"{name}="):
                return word.split("=", 1)[1]
    return None


def test_procfile_has_every_process_type_and_its_program_is_installed():
    processes = procfile()
    assert set(processes) == PROCESS_TYPES
    for name, command in processes.items():
        program = normalised(command)[0]
        assert (VENV_BIN / program).is_file(), f"{name}: {program} is not in {VENV_BIN}"
    assert normalised(processes["release"])[1:] == ["manage.py", "migrate", "--noinput"]


def test_procfile_celery_commands_name_the_portal_app():
    for name in ("worker", "beat"):
        words = normalised(procfile()[name])
        assert words[0] == "celery"
        assert words[words.index("-A") + 2] == name
        app = find_app(words[words.index("-A") + 1])
        assert isinstance(app, Celery)
        assert app.main == "portal"


def test_procfile_web_command_uses_the_config_and_the_wsgi_application():
    words = normalised(procfile()["web"])
    assert words[0] == "gunicorn"
    assert option(words, "-c", "--config") == GUNICORN_CONF.name
    module, _, attribute = words[-1].partition(":")
    assert callable(getattr(__import__(module, fromlist=[attribute]), attribute))


def test_worker_consumes_every_queue_that_tasks_are_sent_to():
    words = normalised(procfile()["worker"])
    consumed = set((option(words, "-Q", "--queues") or "").split(","))
    routes = celery_app.conf.task_routes or {}
    routed = {route["queue"] for route in routes.values() if "queue" in route} if isinstance(routes, dict) else set()
    assert {celery_app.conf.task_default_queue} | routed <= consumed
    assert option(words, "-O") == "fair"


# --- systemd units ----------------------------------------------------------------------------


def unit(name: str) -> dict[str, list[str]]:
    """A unit file's settings; a key may repeat (Environment=, StateDirectory=)."""
    values: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def example_env() -> dict[str, str]:
    """deploy/env.example's active lines, unquoted as systemd's EnvironmentFile reads them."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        found = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if found:
            values[found.group(1)] = found.group(2).strip().strip('"')
    return values


@pytest.mark.parametrize("process", sorted(PROCESS_TYPES))
def test_systemd_unit_runs_the_procfile_command(process):
    settings = unit(UNIT_OF[process])
    (exec_start,) = settings["ExecStart"]
    assert normalised(exec_start.lstrip("-@:+!")) == normalised(procfile()[process])
    assert exec_start.startswith("/"), "systemd needs the program's absolute path"
    assert settings["EnvironmentFile"] == ["/etc/jarjestoportaali/env"]
    # Every variable on the command line has a value even when the environment file lacks it.
    defaults = {value.split("=", 1)[0] for value in settings.get("Environment", [])}
    assert set(re.findall(r"\$\{?([A-Z0-9_]+)", exec_start)) <= defaults


@pytest.mark.parametrize("name", sorted(path.name for path in UNITS.glob("*.service")))
def test_systemd_units_run_unprivileged_and_hardened(name):
    settings = unit(name)
    assert settings["User"] == ["jarjestoportaali"]
    assert settings["WorkingDirectory"][0].startswith("/opt/jarjestoportaali/")
    assert settings["NoNewPrivileges"] == ["yes"]
    assert settings["ProtectSystem"] == ["strict"]
    assert settings["PrivateTmp"] == ["yes"]
    assert example_env()["PORTAL_VAR_DIR"] in settings["ReadWritePaths"]
    if settings["Type"] != ["oneshot"]:
        assert settings["Restart"] == ["on-failure"]


def test_worker_unit_lets_running_jobs_finish_on_stop(settings):
    worker = unit(UNIT_OF["worker"])
    assert worker["KillSignal"] == ["SIGTERM"]
    # Only the main process gets SIGTERM (warm shutdown); the pool processes would die at once.
    assert worker["KillMode"] == ["mixed"]
    time_limit = max(settings.CELERY_TASK_TIME_LIMIT, int(example_env().get("CELERY_TASK_TIME_LIMIT", 0)))
    assert int(worker["TimeoutStopSec"][0]) > time_limit


def test_web_unit_waits_for_gunicorns_graceful_stop(monkeypatch):
    web = unit(UNIT_OF["web"])
    assert int(web["TimeoutStopSec"][0]) > gunicorn_config(monkeypatch, {}).graceful_timeout


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    """systemd-analyze verify, with /opt/jarjestoportaali pointing at this checkout: no unknown
    keys, no bad values, every program exists."""
    root = tmp_path / "opt"
    (root / "releases").mkdir(parents=True)
    (root / "current").symlink_to(BASE_DIR)
    (root / "releases" / "i").symlink_to(BASE_DIR)  # the instance name verify gives templates
    for path in UNITS.iterdir():
        (tmp_path / path.name).write_text(path.read_text().replace("/opt/jarjestoportaali", str(root)))
    units = sorted(str(path) for path in tmp_path.iterdir() if path.suffix in {".service", ".timer"})
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


# --- deploy/env.example -----------------------------------------------------------------------


def names_read(path: Path, pattern: str) -> set[str]:
    return set(re.findall(pattern, path.read_text()))


def variables_read() -> set[str]:
    settings_names = names_read(
        BASE_DIR / "portal" / "settings.py", r"env_(?:str|int|bool|list|required|choice)\(\s*\"([A-Z][A-Z0-9_]*)\""
    )
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_RESULT_BACKEND", "EMAIL_BACKEND"} <= settings_names
    celery_names = names_read(BASE_DIR / "portal" / "celery.py", r"os\.(?:environ\.get\(|environ\[|getenv\()\"(\w+)\"")
    gunicorn_names = names_read(GUNICORN_CONF, r"(?:_env_int\(|os\.environ\.get\(|os\.environ\[)\"(\w+)\"")
    procfile_names = names_read(PROCFILE, r"\$\{?([A-Z][A-Z0-9_]*)")
    backup_names = names_read(BACKUP_SCRIPT, r"\$\{([A-Z][A-Z0-9_]*)[:}]") - {"PYTHON"}
    # systemd sets RUNTIME_DIRECTORY itself.
    return settings_names | celery_names | (gunicorn_names - {"RUNTIME_DIRECTORY"}) | procfile_names | backup_names


def listed_in_env_example() -> set[str]:
    return set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))


def test_env_example_lists_every_variable_the_portal_reads():
    missing = variables_read() - listed_in_env_example()
    assert not missing, f"add these to deploy/env.example: {sorted(missing)}"


def test_env_example_lists_nothing_that_is_not_read():
    stale = listed_in_env_example() - variables_read()
    assert not stale, f"deploy/env.example lists variables nothing reads: {sorted(stale)}"


def test_env_example_leaves_the_secrets_empty():
    values = example_env()
    for name in SECRETS:
        assert values.get(name) == "", name
    assert not urlparse(values["DATABASE_URL"]).password
    assert not urlparse(values["CELERY_BROKER_URL"]).password


def test_env_example_once_its_secrets_are_filled_in_passes_the_deployment_check(tmp_path):
    secrets = dict.fromkeys(SECRETS, "filled-in-by-the-operator")
    secrets["DJANGO_SECRET_KEY"] = PRODUCTION_ENV["DJANGO_SECRET_KEY"]
    env = clean_env(tmp_path) | example_env() | secrets | {"PORTAL_VAR_DIR": str(tmp_path / "var")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- Object storage -----------------------------------------------------------------------------


def storage_in_subprocess(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import json, django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.files.storage import default_storage\n"
        "default_storage._setup()\n"
        "storage = default_storage._wrapped\n"
        "cls = type(storage)\n"
        "fields = ('bucket_name', 'endpoint_url', 'region_name', 'default_acl', 'location', 'querystring_auth')\n"
        "print(json.dumps({'STORAGES': settings.STORAGES, 'class': f'{cls.__module__}.{cls.__qualname__}',\n"
        "    **{name: getattr(storage, name, None) for name in fields}}, default=str))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean_env(tmp_path, DJANGO_SETTINGS_MODULE="portal.settings") | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_with_a_bucket_files_go_to_private_s3_compatible_storage(tmp_path):
    result = storage_in_subprocess(
        tmp_path,
        {
            "PORTAL_S3_BUCKET": "portal-media",
            "PORTAL_S3_ENDPOINT_URL": "https://objects.example.fi",
            "PORTAL_S3_REGION": "fi-hel-1",
            "PORTAL_S3_ACCESS_KEY_ID": "key-id",
            "PORTAL_S3_SECRET_ACCESS_KEY": "secret-key",
        },
    )
    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout)
    assert storage["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["class"] == "storages.backends.s3.S3Storage"
    assert storage["bucket_name"] == "portal-media"
    assert storage["endpoint_url"] == "https://objects.example.fi"
    assert storage["region_name"] == "fi-hel-1"
    assert storage["default_acl"] == "private"
    assert storage["location"] == "media"
    # The portal streams files through its views; a URL to an object must never work unsigned.
    assert storage["querystring_auth"] is True


def test_a_bucket_without_credentials_is_refused(tmp_path):
    result = storage_in_subprocess(tmp_path, {"PORTAL_S3_BUCKET": "portal-media"})
    assert result.returncode != 0
    assert "PORTAL_S3_ACCESS_KEY_ID" in result.stderr


def test_without_a_bucket_files_stay_in_media_root(tmp_path):
    result = storage_in_subprocess(tmp_path, {})
    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout)
    assert storage["STORAGES"]["default"]["BACKEND"] == "portal.storage.PortalFileSystemStorage"
    assert storage["class"] == "portal.storage.PortalFileSystemStorage"


# --- Database backups -------------------------------------------------------------------------


def fake_postgres_client(folder: Path, *, fail: bool = False) -> Path:
    """pg_dump and pg_restore stand-ins that record how they were called."""
    folder.mkdir()
    (folder / "pg_dump").write_text(
        "#!/usr/bin/env bash\n"
        'printf "%s\\n" "$@" > "$(dirname "$0")/argv"\n'
        'env | grep ^PG | sort > "$(dirname "$0")/env"\n'
        + ("exit 1\n" if fail else 'for a in "$@"; do case "$a" in --file=*) echo dump > "${a#--file=}";; esac; done\n')
    )
    (folder / "pg_restore").write_text("#!/usr/bin/env bash\nexit 0\n")
    for name in ("pg_dump", "pg_restore"):
        (folder / name).chmod(0o755)
    return folder


def run_backup(env: dict[str, str], backups: Path, bin_folder: Path | None = None) -> subprocess.CompletedProcess[str]:
    path = f"{bin_folder}:{os.environ['PATH']}" if bin_folder else os.environ["PATH"]
    return subprocess.run(
        [BACKUP_SCRIPT],
        env={"PATH": path, "PYTHON": sys.executable, "BACKUP_DIR": str(backups), "BACKUP_KEEP_DAYS": "14"} | env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def old_dump(backups: Path, name: str, days: int) -> Path:
    backups.mkdir(exist_ok=True)
    path = backups / name
    path.write_text("old")
    then = time.time() - days * 86400
    os.utime(path, (then, then))
    return path


def test_backup_keeps_the_password_off_the_command_line_and_prunes_old_dumps(tmp_path):
    client = fake_postgres_client(tmp_path / "bin")
    backups = tmp_path / "backups"
    expired = old_dump(backups, "jarjestoportaali-20200101T000000Z.dump", days=30)
    recent = old_dump(backups, "jarjestoportaali-20200102T000000Z.dump", days=3)
    url = "postgres://portal:s3cret%20pw@db.internal:5433/portal?sslmode=require"
    result = run_backup({"DATABASE_URL": url}, backups, client)
    assert result.returncode == 0, result.stderr
    new = sorted(backups.glob("jarjestoportaali-*.dump"))
    assert not expired.exists()
    assert recent in new
    assert len(new) == 2
    assert not list(backups.glob("*.partial"))
    assert "s3cret" not in (client / "argv").read_text()
    assert (client / "env").read_text().splitlines() == [
        "PGDATABASE=portal",
        "PGHOST=db.internal",
        "PGPASSWORD=s3cret pw",
        "PGPORT=5433",
        "PGSSLMODE=require",
        "PGUSER=portal",
    ]
    assert "--format=custom" in (client / "argv").read_text().split()


def test_a_failed_backup_deletes_no_old_dump(tmp_path):
    client = fake_postgres_client(tmp_path / "bin", fail=True)
    backups = tmp_path / "backups"
    expired = old_dump(backups, "jarjestoportaali-20200101T000000Z.dump", days=30)
    result = run_backup({"DATABASE_URL": "postgres://portal@db.internal/portal"}, backups, client)
    assert result.returncode != 0
    assert expired.exists()
    assert sorted(backups.glob("*.dump")) == [expired]


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = run_backup({"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}"}, tmp_path / "backups")
    assert result.returncode != 0
    assert "not a PostgreSQL database" in result.stderr


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="the PostgreSQL client is not installed")
def test_backup_of_the_real_database_restores(database_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the portal runs on SQLite here")
    backups = tmp_path / "backups"
    result = run_backup({"DATABASE_URL": database_url}, backups)
    assert result.returncode == 0, result.stderr
    (dump,) = backups.glob("jarjestoportaali-*.dump")
    listing = subprocess.run(["pg_restore", "--list", dump], capture_output=True, text=True, check=True).stdout
    assert "TABLE public portal_user" in listing
    assert "TABLE DATA public django_migrations" in listing
