"""Kombu's Redis transport with one fault mended, for the Celery worker.

When Redis goes away while a job runs, the worker closes its channel and kombu tries to put the
unacknowledged messages back at once, through a connection that is already gone: an
``AttributeError`` ("'NoneType' object has no attribute 'hostname'") that Celery treats as
unrecoverable, and the worker exits (kombu 5.7). Here that step is skipped with a warning. The
messages stay in Redis's index of unacknowledged messages, from which the broker restores them
after the visibility timeout, as it does for a worker that was killed; the jobs are idempotent.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu.transport import redis

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def restore_unacked(self, client: Any = None) -> Any:
        try:
            return super().restore_unacked(client)
        except AttributeError:
            logger.warning("The broker went away; its unacknowledged jobs come back after the visibility timeout")
            self._delivered.clear()
            return None


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
