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


# --- The throttle's window in one round trip (issue 13, the intake hot path) -----------------


def test_a_throttle_window_counts_and_refuses_as_drf_does_in_one_redis_command(redis_server):
    import redis

    cache = make_cache(redis_server)
    calls: list[tuple] = []
    client = cache._cache.get_client(write=True)
    original = client.execute_command

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    client.execute_command = counting
    assert cache.throttle_hit("w", 100.0, 60, 2) == (True, 1, 100.0)  # loads the script
    calls.clear()
    assert cache.throttle_hit("w", 110.0, 60, 2) == (True, 2, 100.0)
    # Full: refused, not counted, and the oldest request says when a place frees up.
    assert cache.throttle_hit("w", 120.0, 60, 2) == (False, 2, 100.0)
    # At exactly now - window the oldest has left (DRF drops `<= now - duration`).
    assert cache.throttle_hit("w", 160.0, 60, 2) == (True, 2, 110.0)
    assert [c[0] for c in calls] == ["EVALSHA"] * 3  # one round trip each
    ttl = redis.Redis.from_url(redis_server.url).pttl(cache.make_key("w") + ":window")
    assert 0 < ttl <= 60_000


def test_a_throttle_window_lives_in_process_memory_while_redis_is_stopped(redis_server):
    cache = make_cache(redis_server)
    redis_server.stop()
    started = time.monotonic()
    assert cache.throttle_hit("w", 100.0, 60, 2) == (True, 1, 100.0)
    assert cache.throttle_hit("w", 101.0, 60, 2) == (True, 2, 100.0)
    assert cache.throttle_hit("w", 102.0, 60, 2) == (False, 2, 100.0)
    assert time.monotonic() - started < 1.0


# A managed Redis may refuse scripts (EVAL and EVALSHA renamed away): the throttles then keep
# DRF's own window in the cache, and no request fails.
NO_SCRIPTS = (
    "--rename-command",
    "EVAL",
    "",
    "--rename-command",
    "EVALSHA",
    "",
    "--rename-command",
    "SCRIPT",
    "",
)


@pytest.fixture
def scriptless_redis():
    server = PrivateRedis(*NO_SCRIPTS)
    server.start()
    yield server
    server.stop()


def test_a_redis_that_refuses_scripts_keeps_the_window_drfs_way(scriptless_redis, caplog):
    cache = make_cache(scriptless_redis)
    assert cache.throttle_hit("w", 100.0, 60, 2) == (True, 1, 100.0)
    assert cache.throttle_hit("w", 101.0, 60, 2) == (True, 2, 100.0)
    assert cache.throttle_hit("w", 102.0, 60, 2) == (False, 2, 100.0)
    # The window is in Redis, shared: another process's cache sees it full.
    assert make_cache(scriptless_redis).throttle_hit("w", 103.0, 60, 2) == (False, 2, 100.0)
    assert cache.get("w") == [101.0, 100.0]
    assert [r.getMessage() for r in caplog.records if r.name == "clinic.cache"] == [
        "Redis refuses scripts: throttles read and write the cache"
    ] * 2  # once per cache object: asked once, remembered


@pytest.mark.django_db
def test_intakes_are_throttled_not_refused_by_a_redis_without_scripts(
    scriptless_redis, client, settings, monkeypatch
):
    import json

    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    from tests.support import factories

    settings.CACHES = {
        "default": {
            "BACKEND": "clinic.cache.ResilientRedisCache",
            "LOCATION": scriptless_redis.url,
            "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
        }
    }
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "intake_submit": "2/minute"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    codes = [
        client.post(
            "/api/v1/intakes/", json.dumps(factories.body()), content_type="application/json"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
