"""A real Celery worker process on the configured broker runs a portal task to completion."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from portal.tasks import ping
from tests.workers import worker


@pytest.mark.worker
@pytest.mark.django_db
def test_worker_runs_a_task_against_the_portal_database(database_url, settings):
    queue = f"test-{uuid.uuid4().hex}"  # a queue of its own, so that no other worker takes the job
    with worker(queue, {"DATABASE_URL": database_url}) as running:
        result = ping.apply_async(queue=queue).get(timeout=90)
    output = running.output
    assert result == {"database": connection.vendor, "areas": 22}, output
    assert "succeeded" in output
