"""A real Celery worker process on the configured broker runs a portal task to completion."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from portal.tasks import ping

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.worker
@pytest.mark.django_db
def test_worker_runs_a_task_against_the_portal_database(database_url, settings):
    queue = f"test-{uuid.uuid4().hex}"  # a queue of its own, so that no other worker takes the job
    env = os.environ | {"DATABASE_URL": database_url, "DJANGO_DEBUG": "true"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--queues", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        result = ping.apply_async(queue=queue).get(timeout=90)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert result == {"database": connection.vendor, "areas": 22}, output
    assert "succeeded" in output
