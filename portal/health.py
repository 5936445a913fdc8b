"""Checks behind ``GET /healthz``: can this process reach its database, broker and storage?"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from kombu import Connection

CHECK_TIMEOUT_SECONDS = 3


def check_database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # The embedded transport is a folder: it is up when the folder takes a file.
        probe = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]) / f".healthz-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
        return
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT_SECONDS) as connection:
        connection.ensure_connection(max_retries=0, timeout=CHECK_TIMEOUT_SECONDS)


def check_storage() -> None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS = {"database": check_database, "broker": check_broker, "storage": check_storage}


def run_checks() -> dict[str, str]:
    """Each check's outcome: ``ok`` or the kind of error (no details leak to the public)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means "down"
            results[name] = f"error: {type(error).__name__}"
        else:
            results[name] = "ok"
    return results
