"""The cache keeps answering, from process memory, while Redis is stopped or frozen."""

import time

import pytest

from clinic.cache import ResilientRedisCache
from tests.support.private_services import PrivateRedis

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_server():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def make_cache(server: PrivateRedis) -> ResilientRedisCache:
    return ResilientRedisCache(
        server.url, {"OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}}
    )


def test_it_uses_redis_while_redis_answers(redis_server):
    cache = make_cache(redis_server)
    cache.set("k", 1)
    assert make_cache(redis_server).get("k") == 1  # another process would see it too


def test_it_falls_back_at_once_when_redis_is_stopped(redis_server):
    cache = make_cache(redis_server)
    cache.set("k", 1)
    redis_server.stop()
    started = time.monotonic()
    assert cache.get("k") is None
    cache.set("k", 2)
    assert cache.get("k") == 2
    assert cache.add("n", 0) is True
    assert cache.incr("n") == 1
    assert time.monotonic() - started < 1.0


def test_a_frozen_redis_costs_one_short_wait_then_nothing(redis_server):
    cache = make_cache(redis_server)
    cache.set("k", 1)
    redis_server.freeze()
    try:
        started = time.monotonic()
        cache.get("k")
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(50):
            cache.get("k")
        rest = time.monotonic() - started
    finally:
        redis_server.thaw()
    assert first < 1.0
    assert rest < 0.1


def test_it_goes_back_to_redis_once_it_answers_again(redis_server, monkeypatch):
    from clinic import cache as cache_module

    monkeypatch.setattr(cache_module, "RETRY_AFTER_SECONDS", 0.3)
    cache = make_cache(redis_server)
    redis_server.freeze()
    cache.set("k", "memory")
    redis_server.thaw()
    assert cache.get("k") == "memory"  # within the retry delay: memory still answers
    time.sleep(0.35)
    cache.set("k", "redis")
    assert make_cache(redis_server).get("k") == "redis"


def test_the_threads_of_a_process_share_one_memory_fallback(redis_server):
    """Django makes a cache object per thread; a limit must not reset per thread."""
    first, second = make_cache(redis_server), make_cache(redis_server)
    redis_server.stop()
    first.set("k", "one store")
    assert second.get("k") == "one store"
