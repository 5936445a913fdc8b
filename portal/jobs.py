"""What the background jobs share: which errors mean a service is coming back (worth a retry), and
how long to wait before the next attempt."""

from __future__ import annotations

from django.db import DatabaseError, InterfaceError, OperationalError
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
