"""Gunicorn settings for the portal's web process: ``gunicorn -c gunicorn.conf.py portal.wsgi:application``.

Every value can be changed through the environment (see deploy/env.example); the defaults suit
one web machine behind a reverse proxy or load balancer.
"""

from __future__ import annotations

import os
from typing import Any


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (cpusets, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Loopback by default: the proxy runs on the same machine. A load balancer on another machine
# needs GUNICORN_BIND=0.0.0.0:8000 (or this machine's private address). PORT alone follows the
# platform convention (Heroku, Dokku, …) of listening on every interface.
_port = os.environ.get("PORT", "").strip()
bind = (os.environ.get("GUNICORN_BIND") or (f"0.0.0.0:{_port}" if _port else "127.0.0.1:8000")).split(",")

# Processes use the cores, threads cover the waits. Requests mostly wait on PostgreSQL, object
# storage and Redis, so gthread with a few threads per process keeps 8 concurrent clients on a
# 2-core machine from queueing behind one slow request (sync would give 5 slots, no keep-alive);
# the CPU-bound part (template rendering) still runs in parallel across the processes. PDFs are
# rendered by Celery, never in a web request. Capped because every thread holds its own
# PostgreSQL connection and every process ~100 MB of memory.
worker_class = "gthread"
workers = _env_int("GUNICORN_WORKERS", _env_int("WEB_CONCURRENCY", min(2 * _cores() + 1, 9)))
threads = _env_int("GUNICORN_THREADS", 4)

# A worker silent this long is killed; graceful_timeout is how long a stop or restart waits for
# requests in progress (the systemd unit and the load balancer's drain allow for it).
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep longer than the proxy's idle timeout for upstream connections it reuses, or it may send a
# request on a connection that gunicorn is just closing (an occasional 502).
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)

# Replace each process after about this many requests, so slow memory growth never accumulates;
# the jitter keeps the processes from restarting all at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Import Django once in the master and fork: less memory and a failed import stops the start
# instead of looping. Safe because nothing opens a connection at import time (when_ready below
# makes sure). New code needs a restart, not a HUP.
preload_app = True

# Which proxies may set X-Forwarded-For/-Proto (comma-separated addresses or CIDR networks).
# Django trusts X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER): the proxy must overwrite it,
# and only the proxy may reach this port.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr, which systemd's journal or the platform collects. The access log names
# the client the proxy saw, and the duration in milliseconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
proc_name = "jarjestoportaali-web"

# gunicornc's control socket: in systemd's RuntimeDirectory when there is one, since the unit
# makes the home directory read-only.
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl")


def when_ready(server: Any) -> None:
    """Before the workers are forked: no database connection or pool made in the master while
    importing may be shared by the children."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()
