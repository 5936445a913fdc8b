"""``make faults``: the portal on production settings — gunicorn, a Celery worker and beat — on a
PostgreSQL cluster and a Redis of its own (spare ports, never the shared ones), with each fault of
issue 14 injected while people use it: the database stopped, restarted and killed under a
running report; Redis stopped and restarted with a job in flight; the worker killed during the
national overview; ten identical payments posted at once; the web server's disk full. Each case
asserts what the person sees, that no row is lost or doubled, and how long recovery took, and
the table goes to bench/faults.json. Exits 1 when a case fails.

    python -m bench.faults            # every case
    python -m bench.faults CASE…      # some (names as in the table)
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import redis as redis_client
import requests

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_VERSION = max(os.listdir("/usr/lib/postgresql"), key=int) if os.path.isdir("/usr/lib/postgresql") else "15"
CLUSTER = "portalfaults"


def spare_port(variable: str, preferred: int) -> int:
    """The port named in ``variable``, else ``preferred`` when free, else any free one. Chosen once
    and put in the environment, so the stack's processes and a restarted server agree on it (a
    port still held by something else on the machine must not stop the suite)."""
    if variable not in os.environ:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", preferred))
            except OSError:
                probe.bind(("127.0.0.1", 0))
            os.environ[variable] = str(probe.getsockname()[1])
    return int(os.environ[variable])


PG_PORT = spare_port("FAULTS_PG_PORT", 55433)
REDIS_PORT = spare_port("FAULTS_REDIS_PORT", 56380)
WEB_PORT = spare_port("FAULTS_WEB_PORT", 8767)
FULL_DISK_WEB_PORT = spare_port("FAULTS_FULL_DISK_WEB_PORT", 8768)
URL = f"http://127.0.0.1:{WEB_PORT}"
VAR = BASE_DIR / "var" / "faults"
MEDIA = VAR / "media"
RESULTS = BASE_DIR / "bench" / "faults.json"
DATABASE = "portal"

# What the person sees, in Finnish (the demo's language).
DATABASE_DOWN_TEXT = "Portaali ei saa yhteyttä tietokantaansa."
STORAGE_DOWN_TEXT = "tiedostovarasto ei ole käytettävissä"
SERVER_DETAILS = re.compile(r"OperationalError|Traceback|/work/|/var/|Errno|\b5432\b|psycopg|redis\.exceptions")


# --- The stack --------------------------------------------------------------------------------


def run(*command: str, check: bool = True, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=BASE_DIR)
    if check and done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> float:
    """Seconds until ``condition()`` held; SystemExit-free: raises AssertionError on timeout."""
    started = time.monotonic()
    while True:
        with suppress(Exception):
            if condition():
                return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)


class Postgres:
    """A cluster of its own (``pg_createcluster``), stopped, killed and restarted at will."""

    def create(self) -> None:
        self.drop()
        run("pg_createcluster", PG_VERSION, CLUSTER, "--port", str(PG_PORT), "--start", "--", "--auth=trust")
        wait_for(lambda: self.psql("SELECT 1", "postgres") == "1", 30, "the faults cluster to start")
        self.psql(f'CREATE DATABASE "{DATABASE}"', "postgres")

    def psql(self, sql: str, database: str = DATABASE) -> str:
        return run("psql", f"postgres://postgres@127.0.0.1:{PG_PORT}/{database}", "-tAc", sql).strip()

    def stop(self, mode: str = "immediate") -> None:
        run("pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, CLUSTER, "stop", "-m", mode)

    def start(self) -> None:
        run("pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, CLUSTER, "start")

    def restart(self) -> None:
        run("pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, CLUSTER, "restart", "-m", "fast")

    def drop(self) -> None:
        run("pg_dropcluster", "--stop", PG_VERSION, CLUSTER, check=False)


class Redis:
    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        server = shutil.which("redis-server") or "redis-server"
        log = VAR / "redis.log"
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [server, "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        client = redis_client.Redis(port=REDIS_PORT, socket_timeout=1, socket_connect_timeout=1)
        process = self.process

        def answers() -> bool:
            if process.poll() is not None:
                raise SystemExit(f"redis-server on port {REDIS_PORT} exited:\n{log.read_text()[-2000:]}")
            return bool(client.ping())

        wait_for(answers, 30, f"redis on port {REDIS_PORT}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def environment() -> dict[str, str]:
    """Production settings (no debug, hardened) on the private cluster and Redis."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "faults-only-secret-key-not-for-production-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PORTAL_DEMO_MODE": "true",  # seed_demo's users and console email; staff still need TOTP
        "PORTAL_REQUIRE_STAFF_MFA": "true",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}",
        "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/1",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/2",
        "PORTAL_VAR_DIR": str(VAR),
        "MEDIA_ROOT": str(MEDIA),
        # The broker's visibility timeout stays as in production (an hour): a part of the national
        # overview whose worker died must come back through the reaper (every minute), here
        # after 15 s of silence instead of the production 6 minutes; a report nobody took, 10 s.
        "PORTAL_PART_STALLED_SECONDS": "15",
        "PORTAL_REPORT_QUEUED_SECONDS": "10",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # the mail server is outside
    }


class Process:
    """A child process whose output is kept in a file, killed with its whole process group."""

    def __init__(
        self, name: str, command: list[str], env: dict[str, str], preexec: Callable[[], None] | None = None
    ) -> None:
        self.name = name
        self.log = VAR / f"{name}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=preexec,
            )  # fmt: skip

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self, tail: int = 3000) -> str:
        text = self.log.read_text(errors="replace")
        return text[-tail:] if tail else text


def web(env: dict[str, str], port: int = WEB_PORT, preexec: Callable[[], None] | None = None) -> Process:
    server = Process(
        f"gunicorn-{port}",
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi:application"],
        env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "4"},
        preexec,
    )
    wait_for(
        lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=3).status_code in (200, 503), 60, "gunicorn"
    )
    return server


def worker(env: dict[str, str], name: str = "worker") -> Process:
    process = Process(
        name, [PYTHON, "-m", "celery", "-A", "portal", "worker", "--concurrency", "2", "--loglevel", "INFO"], env
    )
    wait_for(lambda: "ready." in process.output(tail=0), 60, "the Celery worker")
    return process


def beat(env: dict[str, str]) -> Process:
    schedule = str(VAR / "beat-schedule")
    command = [PYTHON, "-m", "celery", "-A", "portal", "beat", "-s", schedule, "--loglevel", "WARNING"]
    return Process("beat", command, env)


# --- The people ---------------------------------------------------------------------------------


def world() -> dict[str, Any]:
    """Run inside the stack's environment (``python -m bench.faults --world``): signed-in sessions
    of the demo's people, as their browsers hold them, and the rows the cases act on."""
    import django

    django.setup()
    from django.test import Client

    from bench.pages import with_totp
    from grants.models import Application, Decision, GrantCall, Status
    from organisations.models import Membership
    from portal.models import AreaRole, User

    def session(email: str) -> str:
        user = with_totp(User.objects.get(email=email))
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        return client.cookies["sessionid"].value

    admin = User.objects.get(email="ngo-admin@example.org")
    organisation = Membership.objects.admins().filter(user=admin).order_by("pk")[0].organisation
    call = GrantCall.objects.open_calls().order_by("pk")[0]
    draft, _created = Application.objects.get_or_create(
        call=call, organisation=organisation, status=Status.DRAFT, defaults={"title": "Luonnos", "created_by": admin}
    )
    area = (
        AreaRole.objects.active().with_role(AreaRole.Role.COORDINATOR).get(user__email="coordinator@example.org").area
    )
    assert area is not None  # a coordinator's role is in an area
    decided = Decision.objects.filter(
        application__status=Status.DECIDED, application__call__area=area, amount__gt=0
    ).order_by("pk")[0]
    return {
        "sessions": {
            role: session(email)
            for role, email in {
                "coordinator": "coordinator@example.org",
                "admin": "ngo-admin@example.org",
                "reviewer": "reviewer@example.org",
                "operator": "operator@example.org",
            }.items()
        },
        "area": area.code,
        "draft": draft.pk,
        "decided": decided.application_id,
        "password": "demo-password-2026",
    }


class Forms(HTMLParser):
    """The forms of a page: each form's action and the values a browser would send."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append((found.get("action", ""), {}))
        elif not self.forms:
            return
        elif tag == "input" and found.get("name"):
            kind = found.get("type", "text")
            if kind not in ("checkbox", "radio", "submit", "file") or "checked" in found:
                self.forms[-1][1][found["name"]] = found.get("value", "")
        elif tag == "textarea" and found.get("name"):
            self._textarea = found["name"]
            self.forms[-1][1][self._textarea] = ""
        elif tag == "select" and found.get("name"):
            self._select = found["name"]
        elif tag == "option" and self._select and ("selected" in found or self._select not in self.forms[-1][1]):
            self.forms[-1][1][self._select] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] += data

    def form(self, action: str, page: str = "") -> dict[str, str]:
        """The fields of the form that posts to ``action`` (a form without an action posts to its
        own ``page``)."""
        for form_action, fields in self.forms:
            if (form_action or page).split("?")[0].endswith(action):
                return dict(fields)
        raise AssertionError(f"no form posting to {action}")


class Browser(requests.Session):
    """The portal marks its cookies Secure (it runs behind TLS); here it is plain HTTP on
    127.0.0.1, so this browser sends them anyway."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        answer = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return answer


def browser(session: str | None = None) -> requests.Session:
    person = Browser()
    person.headers["Accept-Language"] = "fi"
    if session:
        person.cookies.set("sessionid", session, domain="127.0.0.1")
    return person


def same_browser(person: requests.Session) -> requests.Session:
    """Another connection of the same browser (its cookies), as a second click sends."""
    twin = browser()
    twin.cookies.update(person.cookies)
    return twin


def form_of(person: requests.Session, page: str, action: str, base: str = URL) -> dict[str, str]:
    answer = person.get(base + page, timeout=10)
    assert answer.status_code == 200, f"{page} answered {answer.status_code}"
    return Forms(answer.text).form(action, page)


def post(person: requests.Session, action: str, data: dict[str, str], **kwargs: Any) -> requests.Response:
    return person.post(
        URL + action, data=data, headers={"Referer": URL + action}, allow_redirects=False, timeout=30, **kwargs
    )


# --- The cases ----------------------------------------------------------------------------------


@dataclass
class Result:
    fault: str
    passed: bool = True
    recovery_seconds: float | None = None
    rows_lost: int = 0
    rows_doubled: int = 0
    notes: list[str] = field(default_factory=list)

    def check(self, condition: bool, note: str) -> None:
        if not condition:
            self.passed = False
            self.notes.append(f"FAILED: {note}")


@dataclass
class Stack:
    env: dict[str, str]
    postgres: Postgres
    redis: Redis
    facts: dict[str, Any]
    web: Process | None = None
    worker: Process | None = None
    beat: Process | None = None

    def worker_output(self) -> str:
        return "".join(path.read_text(errors="replace") for path in VAR.glob("worker*.log"))

    def person(self, role: str) -> requests.Session:
        return browser(self.facts["sessions"][role])

    def healthy(self) -> bool:
        return requests.get(URL + "/healthz", timeout=3).status_code == 200


def timed_get(person: requests.Session, path: str) -> tuple[requests.Response, float]:
    started = time.monotonic()
    answer = person.get(URL + path, timeout=30, allow_redirects=False)
    return answer, time.monotonic() - started


def shows_no_server_details(result: Result, answer: requests.Response, where: str) -> None:
    leak = SERVER_DETAILS.search(answer.text)
    result.check(leak is None, f"{where} shows a server detail: {leak.group(0) if leak else ''}")


def login(person: requests.Session, email: str, password: str) -> requests.Response:
    data = form_of(person, "/accounts/login/", "/accounts/login/")
    return post(person, "/accounts/login/", data | {"login": email, "password": password})


def database_down(stack: Stack) -> Result:
    """PostgreSQL stopped while people browse: quick 503s in Finnish, nothing about the server;
    after it is back no request fails on a stale connection and nobody is locked out."""
    result = Result("PostgreSQL down while browsing")
    coordinator, visitor = stack.person("coordinator"), browser()
    area = stack.facts["area"]
    for path in ("/", f"/workspace/areas/{area}/applications/"):
        assert coordinator.get(URL + path, timeout=10).status_code == 200  # warm connections in the pool
    reviewer = browser()
    login_form = form_of(reviewer, "/accounts/login/", "/accounts/login/")  # the page was open before
    stack.postgres.stop()
    for name, person in (("anonymous", visitor), ("signed-in", coordinator)):
        answer, seconds = timed_get(person, "/healthz")
        result.check(
            answer.status_code == 503 and seconds < 2, f"{name} /healthz {answer.status_code} in {seconds:.1f} s"
        )
        result.check(answer.headers.get("Content-Type") == "application/json", f"{name} /healthz is JSON")
    for path in ("/areas/", f"/workspace/areas/{area}/applications/"):
        answer, seconds = timed_get(coordinator, path)
        # A page made wholly of what the process keeps (the person, their roles, the area, the
        # work list's fragment) may still be shown: nothing it shows can change while the database
        # is away. Any other page says so.
        kept = path != "/areas/" and answer.status_code == 200 and "<h1" in answer.text
        result.check(
            (answer.status_code == 503 or kept) and seconds < 2, f"{path} {answer.status_code} in {seconds:.1f} s"
        )
        result.check(
            kept or DATABASE_DOWN_TEXT in answer.text,
            f"{path} {'shown from what is kept' if kept else 'says the database is away, in Finnish'}",
        )
        shows_no_server_details(result, answer, path)
    for _attempt in range(6):  # more than the five failed logins that would lock the account
        answer = post(
            reviewer,
            "/accounts/login/",
            login_form | {"login": "reviewer@example.org", "password": stack.facts["password"]},
        )
        result.check(answer.status_code == 503, f"a login in the outage answered {answer.status_code}")
    stack.postgres.start()
    result.recovery_seconds = round(wait_for(stack.healthy, 60, "/healthz after the database returned"), 2)
    statuses = [
        timed_get(coordinator, path)[0].status_code
        for _round in range(20)
        for path in ("/", "/areas/", f"/workspace/areas/{area}/applications/", "/workspace/")
    ]
    failures = sum(status != 200 for status in statuses)
    result.check(failures == 0, f"{failures} of 80 requests failed after the database returned: {statuses}")
    answer = login(browser(), "reviewer@example.org", stack.facts["password"])
    result.check(answer.status_code == 302, f"the right password after the outage answered {answer.status_code}")
    result.notes.append(f"80 requests after recovery, {failures} failed; the right password logs in")
    return result


def database_restarted(stack: Stack) -> Result:
    """PostgreSQL restarted under steady browsing: once it is back, no request fails."""
    result = Result("PostgreSQL restarted under load")
    coordinator = stack.person("coordinator")
    answers: list[tuple[float, int]] = []
    stop = threading.Event()

    def browse() -> None:
        while not stop.is_set():
            with suppress(requests.RequestException):
                answers.append((time.monotonic(), coordinator.get(URL + "/workspace/", timeout=10).status_code))
            time.sleep(0.02)

    threads = [threading.Thread(target=browse) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    stack.postgres.restart()
    back = time.monotonic()
    time.sleep(8)
    stop.set()
    for thread in threads:
        thread.join()
    after = [status for moment, status in answers if moment > back + 0.5]
    first_ok = next((moment for moment, status in answers if moment > back and status == 200), None)
    result.recovery_seconds = round(first_ok - back, 2) if first_ok else None
    failed_after = sum(status != 200 for status in after)
    result.check(len(after) > 20, f"only {len(after)} requests after the restart")
    result.check(failed_after == 0, f"{failed_after} of {len(after)} requests failed after the restart")
    result.notes.append(f"{len(after)} requests after the restart, {failed_after} failed")
    return result


def request_report(person: requests.Session, area: str, language: str = "fi") -> int:
    page = f"/workspace/areas/{area}/reports/"
    data = form_of(person, page, page) | {"language": language}
    return report_id(post(person, page, data))


def report_id(answer: requests.Response) -> int:
    """The report a request created, from where it sent the browser."""
    assert answer.status_code == 302, f"the report request answered {answer.status_code}"
    return int(re.search(r"/reports/(\d+)/", answer.headers["Location"]).group(1))  # type: ignore[union-attr]


def report_state(stack: Stack, report: int) -> str:
    return stack.postgres.psql(f"SELECT state FROM funding_continuityreport WHERE id = {report}")  # noqa: S608


def database_killed_during_report(stack: Stack) -> Result:
    """PostgreSQL killed while a report renders: the job retries and the report is ready, once,
    with its last stage in the report's language (English here)."""
    result = Result("PostgreSQL killed during a report")
    coordinator = stack.person("coordinator")
    report = request_report(coordinator, stack.facts["area"], "en")
    wait_for(lambda: report_state(stack, report) == "running", 60, "the report to start")
    stack.postgres.stop()
    time.sleep(4)
    stack.postgres.start()
    restarted = time.monotonic()
    wait_for(lambda: report_state(stack, report) in ("succeeded", "failed"), 240, "the report to end", 0.5)
    result.recovery_seconds = round(time.monotonic() - restarted, 2)
    result.check(report_state(stack, report) == "succeeded", f"the report ended {report_state(stack, report)}")
    page = coordinator.get(f"{URL}/reports/{report}/", timeout=10, headers={"Accept-Language": "en"})
    result.check("Valmis" not in page.text, "an English report's page shows no Finnish stage")
    files = stack.postgres.psql(f"SELECT count(*) FROM funding_continuityreport WHERE id = {report} AND pdf <> ''")  # noqa: S608
    result.check(files == "1", "the report has its PDF")
    retried = any(
        "retry: Retry in" in line and "OperationalError" in line for line in stack.worker_output().splitlines()
    )
    # The render may finish in the moment between "running" and the kill; the note says which.
    how = "retried after the database error" if retried else "finished before the kill took effect"
    result.notes.append(f"report {report} {how}; ready, with its PDF")
    return result


def redis_down(stack: Stack) -> Result:
    """Redis stopped: signed-in pages, logins and draft saves keep working on the database; a
    report asked for meanwhile is done once Redis and the queue are back."""
    result = Result("Redis down")
    admin, coordinator = stack.person("admin"), stack.person("coordinator")
    draft = stack.facts["draft"]
    edit = f"/applications/{draft}/edit/"
    data = form_of(admin, edit, edit)
    reports_before = int(stack.postgres.psql("SELECT count(*) FROM funding_continuityreport"))
    stack.redis.stop()
    for name, person, path in (
        ("coordinator", coordinator, f"/workspace/areas/{stack.facts['area']}/applications/"),
        ("NGO admin", admin, edit),
    ):
        answer, seconds = timed_get(person, path)
        result.check(
            answer.status_code == 200 and seconds < 3, f"{name}'s page {answer.status_code} in {seconds:.1f} s"
        )
    answer = login(browser(), "reviewer@example.org", stack.facts["password"])
    result.check(answer.status_code == 302, f"a login without Redis answered {answer.status_code}")
    typed = f"Kirjoitettu Redisin ollessa poissa {time.time():.0f}"
    answer = post(admin, edit, data | {"title": typed})
    result.check(answer.status_code == 302, f"saving the draft answered {answer.status_code}")
    saved = stack.postgres.psql(f"SELECT title FROM grants_application WHERE id = {draft}")  # noqa: S608
    result.check(saved == typed, "the draft's new title is saved")
    health, seconds = timed_get(browser(), "/healthz")
    result.check(health.status_code == 503 and seconds < 2, f"/healthz {health.status_code} in {seconds:.1f} s")
    report = request_report(coordinator, stack.facts["area"])
    status_page = coordinator.get(f"{URL}/reports/{report}/", timeout=10)
    result.check("Odottaa käsittelyvuoroa" in status_page.text, "the report's page says it waits for a worker")
    stack.redis.start()
    back = time.monotonic()
    wait_for(lambda: report_state(stack, report) == "succeeded", 180, "the report asked for without Redis", 0.5)
    result.recovery_seconds = round(time.monotonic() - back, 2)
    result.check(stack.worker is not None and stack.worker.alive(), "the worker is still running")
    reports_after = int(stack.postgres.psql("SELECT count(*) FROM funding_continuityreport"))
    result.rows_doubled = max(0, reports_after - reports_before - 1)
    result.rows_lost = max(0, reports_before + 1 - reports_after)
    result.notes.append("pages, a login and a draft save without Redis; the report was requeued and done")
    return result


def redis_restarted_with_a_job_in_flight(stack: Stack) -> Result:
    """The broker restarts while the worker runs a report: the worker survives and the report ends."""
    result = Result("Redis restarted with a job in flight")
    report = request_report(stack.person("coordinator"), stack.facts["area"])
    wait_for(lambda: report_state(stack, report) == "running", 60, "the report to start", 0.05)
    stack.redis.stop()
    time.sleep(2)
    stack.redis.start()
    back = time.monotonic()
    wait_for(lambda: report_state(stack, report) == "succeeded", 180, "the report to finish", 0.5)
    result.recovery_seconds = round(time.monotonic() - back, 2)
    result.check(
        stack.worker is not None and stack.worker.alive(), f"the worker died:\n{stack.worker and stack.worker.output()}"
    )
    answer = stack.person("coordinator").get(URL + "/workspace/", timeout=10)
    result.check(answer.status_code == 200, f"a page after the restart answered {answer.status_code}")
    return result


def worker_killed_during_national(stack: Stack) -> Result:
    """The worker killed (SIGKILL, its whole group) while the national overview's parts run: the
    reaper runs the lost parts again on a new worker, and the overview finishes in minutes, not
    after the broker's hour."""
    result = Result("Worker killed during the national overview")
    operator = stack.person("operator")
    page = "/national/reports/"
    data = form_of(operator, page, page)
    report = report_id(post(operator, page, data))
    running = f"SELECT count(*) FROM funding_nationalpart WHERE report_id = {report} AND state = 'running'"  # noqa: S608
    wait_for(lambda: int(stack.postgres.psql(running)) > 0, 60, "a part of the national overview to run", 0.02)
    assert stack.worker is not None
    stack.worker.kill()
    state_at_kill = report_state(stack, report)
    stack.worker = worker(stack.env, "worker-2")
    started = time.monotonic()
    wait_for(lambda: report_state(stack, report) in ("succeeded", "failed"), 420, "the national overview", 1)
    result.recovery_seconds = round(time.monotonic() - started, 2)
    result.check(report_state(stack, report) == "succeeded", f"the overview ended {report_state(stack, report)}")
    again = stack.postgres.psql(
        f"SELECT coalesce(sum(attempts), 0) FROM funding_nationalpart WHERE report_id = {report}"  # noqa: S608
    )
    result.check(int(again) > 0, "the reaper ran the killed worker's parts again")
    result.notes.append(f"killed while {state_at_kill}; {again} part(s) run again by the reaper on a new worker")
    return result


def double_payment(stack: Stack) -> Result:
    """Ten identical payment posts at once (a double click, a resent request) against gunicorn
    with several workers and threads: one payment."""
    result = Result("A payment posted ten times at once")
    coordinator = stack.person("coordinator")
    application = stack.facts["decided"]
    page = f"/applications/{application}/"
    data = form_of(coordinator, page, f"/applications/{application}/payments/") | {
        "amount": "10",
        "reference": "RACE",
        "confirm_unverified": "on",
    }
    payments = "grants_payment p JOIN grants_decision d ON d.id = p.decision_id"
    count = f"SELECT count(*) FROM {payments} WHERE d.application_id = {application}"  # noqa: S608 - our own ids
    before = int(stack.postgres.psql(count))
    barrier = threading.Barrier(10)

    def send() -> int:
        person = same_browser(coordinator)
        barrier.wait()
        return post(person, f"/applications/{application}/payments/", data).status_code

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda _n: send(), range(10)))
    created = int(stack.postgres.psql(count)) - before
    result.rows_doubled = max(0, created - 1)
    result.rows_lost = 1 if created == 0 else 0
    result.check(created == 1, f"{created} payments recorded")
    result.check(all(status in (200, 302) for status in statuses), f"answers {sorted(statuses)}")
    message = f"/applications/{application}/messages/"
    text = f"Kysymys {time.time():.0f}"
    data = form_of(coordinator, page, message) | {"text": text}
    barrier = threading.Barrier(10)

    def send_message() -> int:
        person = same_browser(coordinator)
        barrier.wait()
        return post(person, message, data).status_code

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda _n: send_message(), range(10)))
    messages = int(stack.postgres.psql(f"SELECT count(*) FROM grants_applicationevent WHERE text = '{text}'"))  # noqa: S608
    result.check(messages == 1, f"{messages} messages recorded")
    result.rows_doubled += max(0, messages - 1)
    result.notes.append(f"payment answers {sorted(statuses)}; one payment and one message")
    return result


def files_under(folder: Path) -> list[Path]:
    """The files an upload or a storage probe could leave (not the reports the worker writes)."""
    if not folder.exists():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and "funding" not in path.parts)


def disk_full(stack: Stack) -> Result:
    """The web server's disk full (a file-size limit of 64 KB on its processes): an attachment
    fails with the translated message beside the typed text, nothing partial is left, and the
    storage probe leaves nothing either."""
    result = Result("Disk full while attaching")
    limit = 64 * 1024

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    full = web(stack.env, FULL_DISK_WEB_PORT, small_disk)
    try:
        admin = stack.person("admin")
        draft = stack.facts["draft"]
        edit = f"/applications/{draft}/edit/"
        data = form_of(admin, edit, edit, base=f"http://127.0.0.1:{FULL_DISK_WEB_PORT}")
        before = files_under(MEDIA)
        typed = f"Tekstiä, joka ei saa kadota {time.time():.0f}"
        pdf = b"%PDF-1.4\n" + b"0" * (200 * 1024) + b"\n%%EOF\n"
        answer = admin.post(
            f"http://127.0.0.1:{FULL_DISK_WEB_PORT}{edit}",
            data=data | {"action": "attach", "attachment-kind": "budget", "summary": typed},
            files={"attachment-file": ("talousarvio.pdf", pdf, "application/pdf")},
            headers={"Referer": f"http://127.0.0.1:{FULL_DISK_WEB_PORT}{edit}"}, timeout=30, allow_redirects=False,
        )  # fmt: skip
        result.check(answer.status_code == 302, f"the upload answered {answer.status_code}")
        answer = admin.get(f"http://127.0.0.1:{FULL_DISK_WEB_PORT}{edit}", timeout=10)
        result.check(STORAGE_DOWN_TEXT in answer.text, "the page says the file store is unavailable, in Finnish")
        result.check(typed in answer.text, "the typed text is still on the page")
        shows_no_server_details(result, answer, "the upload's answer")
        for _probe in range(5):
            requests.get(f"http://127.0.0.1:{FULL_DISK_WEB_PORT}/healthz", timeout=5)
        left = [path for path in files_under(MEDIA) if path not in before]
        result.check(not left, f"files left behind: {[path.name for path in left]}")
        result.rows_lost = 0
        result.notes.append(f"upload refused with the Finnish message; {len(left)} new files")
    finally:
        full.stop()
    return result


CASES: dict[str, Callable[[Stack], Result]] = {
    "database_down": database_down,
    "database_restarted": database_restarted,
    "database_killed_during_report": database_killed_during_report,
    "redis_down": redis_down,
    "redis_restarted_with_a_job_in_flight": redis_restarted_with_a_job_in_flight,
    "worker_killed_during_national": worker_killed_during_national,
    "double_payment": double_payment,
    "disk_full": disk_full,
}


@contextmanager
def stack() -> Iterator[Stack]:
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    postgres, redis = Postgres(), Redis()
    env = environment()
    postgres.create()
    redis.start()
    processes: list[Process] = []
    built: Stack | None = None
    try:
        print("Preparing the stack (migrate, demo data)…", flush=True)
        run(PYTHON, "manage.py", "migrate", "--noinput", env=env)
        run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=env)
        run(PYTHON, "manage.py", "seed_demo", env=env)
        facts = json.loads(run(PYTHON, "-m", "bench.faults", "--world", env=env).strip().splitlines()[-1])
        built = Stack(env, postgres, redis, facts)
        built.web = web(env)
        built.worker = worker(env)
        built.beat = beat(env)
        yield built
    finally:
        if built is not None:
            processes = [p for p in (built.web, built.worker, built.beat) if p is not None]
        for process in processes:
            process.stop()
        redis.stop()
        postgres.drop()


def main(names: list[str]) -> int:
    unknown = set(names) - set(CASES)
    if unknown:
        raise SystemExit(f"unknown cases: {', '.join(sorted(unknown))}; known: {', '.join(CASES)}")
    results: list[Result] = []
    started = time.monotonic()
    with stack() as running:
        for name in names or list(CASES):
            print(f"{name}…", flush=True)
            try:
                results.append(CASES[name](running))
            except Exception as error:  # noqa: BLE001 - a case that breaks is a failed case, the rest still run
                results.append(Result(name, passed=False, notes=[f"FAILED: {type(error).__name__}: {error}"]))
            if running.worker is None or not running.worker.alive():
                results[-1].check(False, "the Celery worker died during the case")  # none kills it for good
                running.worker = worker(running.env, f"worker-{len(results)}")
            if not running.web or not running.web.alive():
                running.web = web(running.env)
    # A run of some cases only does not replace the table of the whole suite.
    (RESULTS if not names else VAR / "faults.json").write_text(
        json.dumps({"seconds": round(time.monotonic() - started), "cases": [asdict(r) for r in results]}, indent=2)
        + "\n"
    )
    print("\n| fault | result | recovery s | rows lost | rows doubled |\n|---|---|---|---|---|")
    for r in results:
        recovery = "–" if r.recovery_seconds is None else r.recovery_seconds
        print(f"| {r.fault} | {'PASS' if r.passed else 'FAIL'} | {recovery} | {r.rows_lost} | {r.rows_doubled} |")
    for r in results:
        for note in r.notes:
            print(f"  {r.fault}: {note}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--world"]:
        print(json.dumps(world()))
    else:
        sys.exit(main(sys.argv[1:]))
