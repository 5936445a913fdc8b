"""Redis as a cache that the portal can do without for a while.

The sessions and the security state (rate limits, the keys that gather jobs) live in Redis. When
Redis is away, a page must still open and a login still work on the database alone, so this
backend answers as if the cache were empty instead of raising: a read finds nothing, a write is
dropped, and ``add`` says the key was new. What that means, decided per use (docs/design.md,
"Faults"):

- sessions (``cached_db``) are read from and written to the database, which holds them all anyway;
- rate limits fail open: the attempts made while Redis is away are not counted (refusing every
  login and form instead would lock everybody out); passwords, two-factor and the once-per-form
  tokens, which are in the database, still hold;
- jobs that gather a run of changes are sent one per change.

Each dropped operation is logged as a warning. The fragment versions (``portal.fragments``,
``portal.identity``) use the plain ``RedisCache`` below: they must know that Redis is away, and
fall back to rendering and to the database. Both are Django's backend reusing its Redis clients.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class _ReusedClient(RedisCacheClient):
    """Django builds a new ``redis.Redis`` for every cache operation (about half a millisecond,
    measured: two of them on every signed-in page); one per connection pool serves every thread."""

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's, untyped
        clients: dict[int, Any] = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache with its clients reused."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusedClient


class TolerantRedisCache(RedisCache):
    def _unreachable(self, operation: str) -> None:
        logger.warning("Redis is not reachable: cache %s skipped", operation, exc_info=True)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE:
            self._unreachable("add")
            return True

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNREACHABLE:
            self._unreachable("get")
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except UNREACHABLE:
            self._unreachable("get_many")
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except UNREACHABLE:
            self._unreachable("has_key")
            return False

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE:
            self._unreachable("set")

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE:
            self._unreachable("set_many")
            return list(data)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE:
            self._unreachable("touch")
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except UNREACHABLE:
            self._unreachable("delete")
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except UNREACHABLE:
            self._unreachable("delete_many")

    def clear(self) -> None:
        try:
            super().clear()
        except UNREACHABLE:
            self._unreachable("clear")
