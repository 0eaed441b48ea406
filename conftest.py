"""Shared test set-up: service detection, eager Celery for unit tests, the standing cast."""

import contextlib
import os

import pytest

HAVE_POSTGRES = os.environ.get("STRIDE_HAVE_POSTGRES") == "1"
HAVE_REDIS = os.environ.get("STRIDE_HAVE_REDIS") == "1"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        needs = []
        if item.get_closest_marker("postgres") and not HAVE_POSTGRES:
            needs.append("PostgreSQL")
        if (item.get_closest_marker("redis") or item.get_closest_marker("integration")) and not (
            HAVE_REDIS
        ):
            needs.append("Redis")
        if item.get_closest_marker("integration") and not HAVE_POSTGRES:
            needs.append("PostgreSQL")
        if needs and not REQUIRE_SERVICES:
            reason = " and ".join(sorted(set(needs))) + " not answering on 127.0.0.1"
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _celery_eager(request: pytest.FixtureRequest, settings):
    """Unit and HTTP tests run tasks inline; integration tests use a real worker instead."""
    from clinic.celery import app

    eager = request.node.get_closest_marker("integration") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.SMS_BACKEND = "clinic.messaging.sms.RecordingSmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SITE_URL = "http://testserver"
    from clinic.messaging.sms import outbox

    outbox.messages.clear()
    yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttles and rate limits count in the cache: every test starts from zero."""
    from django.core.cache import cache

    with contextlib.suppress(Exception):  # Redis may be down in a fault test
        cache.clear()
    yield
