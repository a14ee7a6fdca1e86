"""The Redis cache backend: one `redis.Redis` per connection pool, and soft failure.

- Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache operation;
  building one (its response-callback tables) cost about as much as the GET itself in the
  catalog's profiles (bench/README.md). A `redis.Redis` is safe to share between threads: each
  command takes a connection from the pool and gives it back, and the pool starts afresh in a
  forked worker.
- A cache that can't be reached behaves as an empty one: a read is a miss, a write is
  dropped, and the shop keeps answering from the database (the catalog's caches, the rate
  limits, which then fail open). The outage is logged at most once a minute per process and
  `/readyz` reports it. `incr` and `clear` still raise: they have no meaningful "miss".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

Result = TypeVar("Result")
WARN_EVERY_SECONDS = 60.0


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._last_warning = 0.0

    def _soft(self, call: Callable[[], Result], fallback: Result) -> Result:
        try:
            return call()
        except (RedisError, OSError) as exc:
            now = time.monotonic()
            if now - self._last_warning >= WARN_EVERY_SECONDS:
                self._last_warning = now
                logger.warning("cache unavailable, answering without it: %s", exc.__class__.__name__)
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._soft(lambda: super(RedisCache, self).get(key, default, version), default)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._soft(lambda: super(RedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._soft(lambda: super(RedisCache, self).has_key(key, version), False)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._soft(lambda: super(RedisCache, self).set(key, value, timeout, version), None)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._soft(lambda: super(RedisCache, self).add(key, value, timeout, version), False)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list:
        return self._soft(lambda: super(RedisCache, self).set_many(data, timeout, version), list(data))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._soft(lambda: super(RedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._soft(lambda: super(RedisCache, self).delete(key, version), False)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._soft(lambda: super(RedisCache, self).delete_many(keys, version), None)
