"""Checks behind ``GET /healthz``: can this process reach its database, broker and storage?

A load balancer probes every few seconds and gives up on a slow answer, so the checks run side by
side under one deadline: whatever hangs (a database that drops packets, a Redis that does not
answer, a stuck network disk) is reported as down within ``DEADLINE_SECONDS``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from kombu import Connection

DEADLINE_SECONDS = 1.5
CHECK_TIMEOUT_SECONDS = 1


def check_database(alias: str = "default") -> None:
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # The check runs in a thread of its own: give its connection back to the pool.
        connection.close()


def check_broker() -> None:
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # The embedded transport is a folder: it is up when the folder takes a file.
        probe = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]) / f".healthz-{uuid.uuid4().hex}"
        try:
            probe.write_bytes(b"")
        finally:
            probe.unlink(missing_ok=True)
        return
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT_SECONDS) as connection:
        connection.ensure_connection(max_retries=0, timeout=CHECK_TIMEOUT_SECONDS)


def check_storage() -> None:
    name = f"healthz/{uuid.uuid4().hex}.txt"
    try:
        name = default_storage.save(name, ContentFile(b"ok"))
    finally:
        # Also after a failed save: a full disk leaves an empty file behind.
        with contextlib.suppress(OSError):
            default_storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {"database": check_database, "broker": check_broker, "storage": check_storage}


def _outcome(check: Callable[[], None]) -> str:
    try:
        check()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return f"error: {type(error).__name__}"
    return "ok"


def run_checks(deadline: float = DEADLINE_SECONDS) -> dict[str, str]:
    """Each check's outcome: ``ok``, the kind of error, or ``error: timeout`` for one that did not
    answer within ``deadline`` seconds (no details leak to the public)."""
    executor = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="healthz")
    futures = {name: executor.submit(_outcome, check) for name, check in CHECKS.items()}
    wait(futures.values(), timeout=deadline)
    # A hung check is left to finish on its own; the answer does not wait for it.
    executor.shutdown(wait=False, cancel_futures=True)
    return {name: future.result() if future.done() else "error: timeout" for name, future in futures.items()}
