"""``make bench``: the portal under gunicorn on PostgreSQL with the national data set, measured
against its budgets. Writes bench/results.json, prints a table, and exits 1 when a budget fails.

The national database (``bench_national``) is seeded once and reused; BENCH_RESEED=1 rebuilds it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CLIENTS = 8
SECONDS_PER_PAGE = int(os.environ.get("BENCH_SECONDS", "10"))
RESULTS = BASE_DIR / "bench" / "results.json"

BUDGET_P95_MS = 150
BUDGET_RATIO_TO_BARE = 0.10
BUDGET_AREA_REPORT_SECONDS = 30
BUDGET_OVER_WEASYPRINT = 0.20
BUDGET_TWO_WORKERS_SHARE = 0.75
BUDGET_SHARE_OF_PLAIN_TABLE = 0.80


def environment(database: str) -> dict[str, str]:
    """Production settings (no debug, hardened), on this machine's PostgreSQL and Redis."""
    (BASE_DIR / "var" / "bench").mkdir(parents=True, exist_ok=True)
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PORTAL_DEMO_MODE": "true",  # seed_demo's users; staff pages still demand TOTP
        "PORTAL_REQUIRE_STAFF_MFA": "true",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "CACHE_URL": f"{REDIS}/8",
        "CELERY_BROKER_URL": f"{REDIS}/9",
        "PORTAL_VAR_DIR": str(BASE_DIR / "var" / "bench"),
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{POSTGRES}/{database}", "-tAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def prepare(database: str, scale: str) -> dict[str, str]:
    env = environment(database)
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"  # noqa: S608 - the benchmark's own database names
    seeded = exists and psql("SELECT to_regclass('organisations_organisation') IS NOT NULL", database) == "t"
    big_enough = seeded and int(psql("SELECT count(*) FROM organisations_organisation", database)) >= (
        10_000 if scale == "national" else 1
    )
    if exists and (os.environ.get("BENCH_RESEED") == "1" or not big_enough):
        psql(f'DROP DATABASE "{database}" WITH (FORCE)')
        exists = False
    if not exists:
        psql(f'CREATE DATABASE "{database}"')
        print(f"Seeding {database} ({scale})…", flush=True)
        started = time.monotonic()
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--scale", scale)
        print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)
    # The planner's statistics, as autovacuum keeps them on a production server (it may be off on
    # a machine like this one, and a freshly seeded database has none until it runs).
    psql("ANALYZE", database)
    return env


def page_queries(env: dict[str, str]) -> dict[str, Any]:
    out = BASE_DIR / "var" / "bench" / f"pages-{env['DATABASE_URL'].rsplit('/', 1)[1]}.json"
    subprocess.run([PYTHON, "-m", "bench.pages", str(out)], cwd=BASE_DIR, env=env, check=True)
    return json.loads(out.read_text())


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[None]:
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi:application"],
        cwd=BASE_DIR,
        env=env | {"GUNICORN_BIND": f"127.0.0.1:{PORT}", "GUNICORN_MAX_REQUESTS": "0"},
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)
        yield
    finally:
        server.terminate()
        server.wait(timeout=60)


def load(path: str, cookie: str) -> dict[str, float]:
    """wrk: CLIENTS connections for SECONDS_PER_PAGE, after a short warm-up."""
    command = ["wrk", "-t", "2", "-c", str(CLIENTS), "--timeout", "30s", "-s", str(BASE_DIR / "bench" / "latency.lua"),
               "-H", "Accept-Language: fi", "-H", "Accept-Encoding: gzip, deflate, br"]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    url = f"http://127.0.0.1:{PORT}{path}"
    # Steady state is what counts: one request opens the worker's connections, then a warm-up.
    primer = urllib.request.Request(url, headers={"Cookie": cookie, "Accept-Language": "fi"})
    with urllib.request.urlopen(primer, timeout=120) as answer:  # noqa: S310 - our own server
        answer.read()
    subprocess.run([*command, "-d", "2", url], check=True, capture_output=True)
    output = subprocess.run([*command, "-d", str(SECONDS_PER_PAGE), url], check=True, capture_output=True, text=True)
    found = re.search(r"^BENCH (.*)$", output.stdout, re.MULTILINE)
    assert found is not None, output.stdout  # the load tool always prints its figures
    figures = json.loads(found.group(1))
    if figures["errors"] or figures["non_2xx"]:
        raise SystemExit(f"{path}: {figures['errors']} errors and {figures['non_2xx']} non-2xx answers")
    return {
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p95_ms": round(figures["p95_us"] / 1000, 1),
        "rps": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
    }


@contextmanager
def celery_worker(env: dict[str, str], processes: int) -> Iterator[None]:
    worker = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "portal", "worker", "--concurrency", str(processes), "-O", "fair",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=120)


def timed_report(env: dict[str, str], kind: str, *args: str) -> dict[str, float]:
    output = subprocess.run(
        [PYTHON, "-m", "bench.reports", kind, *args], cwd=BASE_DIR, env=env, check=True, capture_output=True,
        text=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def report_figures(env: dict[str, str]) -> dict[str, dict[str, float]]:
    psql("SELECT 1")
    subprocess.run(["redis-cli", "-u", f"{REDIS}/9", "FLUSHDB"], check=True, capture_output=True)
    with celery_worker(env, 1):
        timed_report(env, "warm-up")  # a worker that has rendered once, as in production
        area_seconds = timed_report(env, "area")["seconds"]
        one_worker = timed_report(env, "national")["seconds"]
    weasyprint = timed_report(env, "weasyprint")
    plain = timed_report(env, "plain-table", str(weasyprint["pages"]))
    with celery_worker(env, 2):
        timed_report(env, "warm-up")
        two_workers = timed_report(env, "national")["seconds"]
    return {
        "area": {
            "seconds": area_seconds,
            "weasyprint_seconds": weasyprint["seconds"],
            "pages": weasyprint["pages"],
            "pages_per_second": weasyprint["pages_per_second"],
        },
        "plain_table": plain,
        "national": {"one_worker_seconds": one_worker, "two_workers_seconds": two_workers},
    }


def page_verdicts(pages: list[dict[str, Any]], suffix: str) -> list[tuple[str, str, bool]]:
    rows: list[tuple[str, str, bool]] = []
    for page in pages:
        name = f"{page['name']}{suffix}"
        rows.append((name, f"queries {page['queries']} (small {page['queries_small']})",
                     page["queries"] <= page["queries_small"]))  # fmt: skip
        rows.append((name, f"p95 {page['p95_ms']} ms < {BUDGET_P95_MS}", page["p95_ms"] < BUDGET_P95_MS))
        rows.append((name, f"{page['rps']} req/s = {page['ratio_to_bare']:.1%} of bare ≥ {BUDGET_RATIO_TO_BARE:.0%}",
                     page["ratio_to_bare"] >= BUDGET_RATIO_TO_BARE))  # fmt: skip
    return rows


def verdicts(results: dict[str, Any]) -> list[tuple[str, str, bool]]:
    rows = page_verdicts(results["pages"], "") + page_verdicts(results["while_writing"]["pages"], " (writing)")
    area = results["reports"]["area"]
    rows.append(("area report", f"{area['seconds']} s ≤ {BUDGET_AREA_REPORT_SECONDS} s",
                 area["seconds"] <= BUDGET_AREA_REPORT_SECONDS))  # fmt: skip
    rows.append(("area report", f"{area['seconds']} s ≤ WeasyPrint {area['weasyprint_seconds']} s + 20 %",
                 area["seconds"] <= area["weasyprint_seconds"] * (1 + BUDGET_OVER_WEASYPRINT)))  # fmt: skip
    plain = results["reports"]["plain_table"]
    share_of_plain = area["pages_per_second"] / plain["pages_per_second"]
    rows.append(("area report's HTML", f"{area['pages_per_second']} pages/s = {share_of_plain:.0%} of a plain table's "
                 f"{plain['pages_per_second']} ({plain['pages']} pages) ≥ 80 %",
                 share_of_plain >= BUDGET_SHARE_OF_PLAIN_TABLE))  # fmt: skip
    national = results["reports"]["national"]
    share = national["two_workers_seconds"] / national["one_worker_seconds"]
    rows.append(("national overview", f"2 workers {national['two_workers_seconds']} s = {share:.0%} of 1 worker "
                 f"{national['one_worker_seconds']} s ≤ 75 %", share <= BUDGET_TWO_WORKERS_SHARE))  # fmt: skip
    return rows


@contextmanager
def saving_drafts(writer: dict[str, str], seconds: float) -> Iterator[dict[str, int]]:
    """One applicant saving their draft again and again through gunicorn for ``seconds``."""
    figures: dict[str, int] = {}
    process = subprocess.Popen(
        [PYTHON, "-m", "bench.writer", f"http://127.0.0.1:{PORT}{writer['path']}", writer["cookie"], str(seconds)],
        cwd=BASE_DIR, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        yield figures
    finally:
        output, _ = process.communicate(timeout=seconds + 120)
        figures |= json.loads(output.strip().splitlines()[-1])


def load_all(pages: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    measured = {}
    for page in pages:
        measured[page["name"]] = load(page["path"], page["cookie"])
        print(f"  {page['name']:<28} {measured[page['name']]}", flush=True)
    return measured


def page_rows(
    pages: list[dict[str, Any]], small: dict[str, dict[str, Any]], measured: dict[str, dict[str, float]]
) -> list[dict[str, Any]]:
    bare_rps = measured["bare"]["rps"]
    return [
        {
            "name": page["name"],
            "path": page["path"],
            "queries": page["queries"],
            "queries_small": small[page["name"]]["queries"],
            **measured[page["name"]],
            "ratio_to_bare": round(measured[page["name"]]["rps"] / bare_rps, 3),
        }
        for page in pages
        if page["name"] != "bare"
    ]


def main() -> int:
    small_env = prepare("bench_small", "demo")
    national_env = prepare("bench_national", "national")
    for env in (small_env, national_env):  # databases seeded by an earlier run get the newer tables
        manage(env, "migrate", "--noinput")
    manage(national_env, "collectstatic", "--noinput", "-v0")
    small = {page["name"]: page for page in page_queries(small_env)["pages"]}
    national = page_queries(national_env)
    print(f"Largest area: {national['area']}", flush=True)
    with gunicorn(national_env):
        print("Pages, nobody writing:", flush=True)
        quiet = load_all(national["pages"])
        print("Pages while one applicant keeps saving a draft:", flush=True)
        round_seconds = len(national["pages"]) * (SECONDS_PER_PAGE + 3) + 10
        with saving_drafts(national["writer"], round_seconds) as drafts:
            writing = load_all(national["pages"])
    if not drafts.get("saves") or drafts.get("errors"):
        raise SystemExit(f"the writer did not keep saving its draft: {drafts}")
    results: dict[str, Any] = {
        "cache": "none",  # no page cache; public lists are fragments kept until their data changes
        "fragments": "portal/fragments.py, renewed by the changes of the data each shows",
        "bare": {"rps": quiet["bare"]["rps"]},
        "pages": page_rows(national["pages"], small, quiet),
        "while_writing": {
            "bare": {"rps": writing["bare"]["rps"]},
            "drafts": drafts,
            "pages": page_rows(national["pages"], small, writing),
        },
        "reports": report_figures(national_env),
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = verdicts(results)
    print(f"\nBare Django view: {quiet['bare']['rps']} req/s with {CLIENTS} clients "
          f"({writing['bare']['rps']} req/s while drafts were saved: {drafts['saves']} saves)\n")  # fmt: skip
    for subject, figure, passed in rows:
        print(f"{'PASS' if passed else 'FAIL'}  {subject:<34} {figure}")
    print(f"\nWritten to {RESULTS.relative_to(BASE_DIR)}")
    return 0 if all(passed for _subject, _figure, passed in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
