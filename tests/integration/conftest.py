"""Real processes for the integration tests: Celery workers, management commands, redis-server.

Workers run `celery -A clinic worker` against pytest-django's test database (the tests use
`transactional_db`, so rows are committed and visible to them) and write texts through
`FileSmsBackend` into a temporary folder, which is how a test counts real sends across
processes. Every process is started in its own session and stopped by its own id.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.support.private_services import PrivateRedis
from tests.support.worker_stack import Sends, Stack


def _test_database_url() -> str:
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def stack(transactional_db, tmp_path, settings) -> Iterator[Stack]:
    if connection.vendor != "postgresql":
        pytest.fail("integration tests need PostgreSQL")
    sms = tmp_path / "sms"
    settings.SMS_BACKEND = "clinic.messaging.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = str(sms)
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "SMS_BACKEND": "clinic.messaging.sms.FileSmsBackend",
        "SMS_FILE_PATH": str(sms),
        "EMAIL_URL": "consolemail://",
        "SITE_URL": settings.SITE_URL,
        "CONN_MAX_AGE": "0",
        "STRIDE_VAR_DIR": str(tmp_path / "var"),
        # Short recovery windows, so a lost task or a dead worker is found within seconds.
        "MESSAGE_SENDING_STALE_SECONDS": "3",
        "MESSAGE_REENQUEUE_SECONDS": "1",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    from clinic.celery import app

    app.control.purge()
    running = Stack(env=env, tmp=tmp_path)
    yield running
    for process in running.processes:
        Stack.kill(process)
    app.control.purge()


@pytest.fixture
def sends(stack: Stack) -> Sends:
    return Sends(Path(stack.env["SMS_FILE_PATH"]))


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A redis-server of this test's own, on a free port: the only one a test may stop."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed")
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()
