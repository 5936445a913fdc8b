"""Kombu's Redis transport with one fault mended, for the Celery worker.

When Redis goes away while a job runs, the worker's channel loses its connection, and kombu (5.7)
then reaches through that gone connection twice: putting the unacknowledged messages back as
the channel closes, and acknowledging the job that finished meanwhile. Either raises an
``AttributeError`` ("'NoneType' object has no attribute 'hostname'" / "'client'") that Celery
treats as unrecoverable, and the worker exits. Here both are skipped with a warning: the
messages stay in Redis's index of unacknowledged messages, from which the broker restores them
after the visibility timeout, as for a worker that was killed; the jobs are idempotent, so one
that runs again after it finished does nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu.transport import redis, virtual

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def restore_unacked(self, client: Any = None) -> Any:
        try:
            return super().restore_unacked(client)
        except AttributeError:
            logger.warning("The broker went away; its unacknowledged jobs come back after the visibility timeout")
            self._delivered.clear()
            return None

    def ack(self, delivery_tag: Any) -> None:
        try:
            super().ack(delivery_tag)
        except AttributeError:
            logger.warning("A job finished after the broker went away; its message comes back and finds it done")
            virtual.QoS.ack(self, delivery_tag)

    def reject(self, delivery_tag: Any, requeue: bool = False) -> None:
        try:
            super().reject(delivery_tag, requeue)
        except AttributeError:
            logger.warning("A job was rejected after the broker went away; its message comes back")
            virtual.QoS.ack(self, delivery_tag)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
