"""A Redis cache that fails over to process memory while Redis is stopped or frozen.

Throttles and rate limits live in the cache. If Redis stops answering, waiting on it would
make every request slow and failing on it would make every request a 500; instead, after
one failure this backend uses a per-process memory cache for a few seconds, then tries
Redis again. Limits become per-process during an outage, which is the right trade-off.

Django's Redis client builds a new `redis.Redis` object for every cache call (about half
of a call's cost here); ours keeps one per connection pool, which redis-py supports: a
client is safe to share between threads, each command borrows a pooled connection.

`throttle_hit` is DRF's sliding-window throttle in one round trip: a Lua script keeps the
window as a sorted set of request times, where DRF reads the whole history and writes it
back (two round trips, and a race between them).
"""

import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0

# KEYS[1]: the window. ARGV: now, the oldest time still outside the window, the limit, the
# window in milliseconds, a unique member. DRF's rule: drop times at or before now - window;
# refuse when as many remain as the limit allows; otherwise record now. Answers allowed
# (0/1), how many requests the window holds, and the oldest one's time (for Retry-After).
_THROTTLE_SCRIPT = """
local key = KEYS[1]
redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[2])
local count = redis.call('ZCARD', key)
local allowed = 0
if count < tonumber(ARGV[3]) then
  redis.call('ZADD', key, ARGV[1], ARGV[5])
  redis.call('PEXPIRE', key, ARGV[4])
  count = count + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
return {allowed, count, oldest}
"""
_members = itertools.count()


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
        self._throttle_script: Any = None
        self._scripts_refused = False

    def throttle_hit(
        self, key: str, now: float, duration: int, limit: int
    ) -> tuple[bool, int, float | None]:
        """Count one request in a sliding window: (allowed, requests in it, oldest's time).

        DRF's `SimpleRateThrottle` rule, in one Redis round trip; in process memory, as DRF
        does it, while Redis is down. A Redis that refuses scripts (a managed one with EVAL
        renamed away) keeps the window DRF's way instead: a read and a write in the cache.
        """
        if self._scripts_refused:
            return self._throttle_hit_history(self, key, now, duration, limit)
        if time.monotonic() >= self._down_until:
            try:
                return self._throttle_hit_redis(key, now, duration, limit)
            except Exception as exc:
                if _is_script_refused(exc):
                    logger.warning("Redis refuses scripts: throttles read and write the cache")
                    self._scripts_refused = True
                    return self._throttle_hit_history(self, key, now, duration, limit)
                if not _is_redis_error(exc):
                    raise
                with self._lock:
                    self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
        return self._throttle_hit_history(self._fallback, key, now, duration, limit)

    def _throttle_hit_redis(
        self, key: str, now: float, duration: int, limit: int
    ) -> tuple[bool, int, float | None]:
        client = self._cache.get_client(write=True)
        script = self._throttle_script
        if script is None:
            script = self._throttle_script = client.register_script(_THROTTLE_SCRIPT)
        member = f"{now!r}:{os.getpid()}:{next(_members)}"
        args = [repr(now), repr(now - duration), limit, duration * 1000, member]
        allowed, count, oldest = script(keys=[self.make_key(key) + ":window"], args=args)
        return bool(allowed), int(count), float(oldest) if oldest is not None else None

    @staticmethod
    def _throttle_hit_history(
        store: BaseCache, key: str, now: float, duration: int, limit: int
    ) -> tuple[bool, int, float | None]:
        """DRF's own way: the window's request times as one cached list, read then written."""
        history = store.get(key, [])
        while history and history[-1] <= now - duration:
            history.pop()
        if len(history) >= limit:
            return False, len(history), history[-1] if history else None
        history.insert(0, now)
        store.set(key, history, duration)
        return True, len(history), history[-1]

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


def _is_script_refused(exc: Exception) -> bool:
    """EVAL/EVALSHA unknown to this server: scripting renamed away or not allowed."""
    import redis

    if not isinstance(exc, redis.exceptions.ResponseError):
        return False
    text = str(exc).lower()
    return "unknown command" in text and ("eval" in text or "script" in text)


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
