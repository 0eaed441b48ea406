"""A Redis cache that fails over to process memory while Redis is stopped or frozen.

Throttles and rate limits live in the cache. If Redis stops answering, waiting on it would
make every request slow and failing on it would make every request a 500; instead, after
one failure this backend uses a per-process memory cache for a few seconds, then tries
Redis again. Limits become per-process during an outage, which is the right trade-off.

Django's Redis client builds a new `redis.Redis` object for every cache call (about half
of a call's cost here); ours keeps one per connection pool, which redis-py supports: a
client is safe to share between threads, each command borrows a pooled connection.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

RETRY_AFTER_SECONDS = 5.0


class _SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Private helpers of Django's RedisCacheClient, which its stubs leave out.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))  # type: ignore[attr-defined]
            self._clients[index] = client
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClientRedisCacheClient
        # Django makes one cache object per thread; naming the memory store after the
        # server makes every thread of a process share it, as the limits need.
        self._fallback = LocMemCache(f"fallback-{server}", {"TIMEOUT": params.get("TIMEOUT")})
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self._down_until:
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except Exception as exc:  # redis-py raises its own ConnectionError / TimeoutError
            if not _is_redis_error(exc):
                raise
            with self._lock:
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return getattr(self._fallback, name)(*args, **kwargs)


def _is_redis_error(exc: Exception) -> bool:
    import redis

    return isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError)


def _delegate(name: str) -> Callable[..., Any]:
    def method(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "has_key",
    "incr",
    "get_many",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(ResilientRedisCache, _name, _delegate(_name))
