"""What the background jobs share: which errors mean a service is coming back (worth a retry), how
long to wait before the next attempt, and one job for a run of changes that ask for the same work."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# PostgreSQL restarting or unreachable, and Redis (the broker, the result backend) away.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerError,
)
# Five attempts after the first, 5 + 10 + 20 + 40 + 80 s apart: a database restart or a failover
# takes well under the two and a half minutes.
MAX_RETRIES = 5


def backoff(retries: int) -> int:
    """Seconds before attempt ``retries + 1``."""
    return 5 * 2**retries


def is_database_error(error: BaseException) -> bool:
    return isinstance(error, DatabaseError)


logger = logging.getLogger(__name__)


def after_commit(send: Callable[[], object], otherwise: Callable[[], object] | None = None) -> None:
    """Queue a job once the transaction commits. The change is saved whether or not the broker
    answers: when it does not, ``otherwise`` runs instead if given (an email is sent at once),
    or the job is left to the reaper and the nightly runs, which find work not done."""

    def queue() -> None:
        try:
            send()
        except Exception:
            logger.warning("The broker is not reachable; the job was not queued", exc_info=True)
            if otherwise is not None:
                otherwise()

    transaction.on_commit(queue)


def send_gathered(keys: Sequence[str], send: Callable[[list[str]], object], hold_seconds: int) -> None:
    """Send one job for those ``keys`` (each a piece of work, e.g. an area's year) that no queued
    job is waiting to do yet; the keys stay taken for ``hold_seconds`` at most, until the job
    starts (``gathered_job_started``). Without the cache every change sends its own job; when the
    broker is away the keys are let go, so that the next change tries again (the nightly runs catch
    up meanwhile)."""
    try:
        fresh = [key for key in keys if cache.add(key, True, timeout=hold_seconds)]
    except Exception:
        logger.warning("The cache is not reachable; queueing without gathering", exc_info=True)
        fresh = list(keys)
    if not fresh:
        return
    try:
        send(fresh)
    except Exception:
        logger.warning("Could not queue a job for %s", fresh, exc_info=True)
        gathered_job_started(fresh)


def gathered_job_started(keys: Sequence[str]) -> None:
    """The job has started: changes from now on need a job of their own."""
    try:
        cache.delete_many(list(keys))
    except Exception:
        logger.warning("The cache is not reachable", exc_info=True)
