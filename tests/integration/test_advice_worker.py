"""A real Celery worker renders the advice sheet after the intake commits."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench import harness
from intake import advice
from tests.support import factories

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SITE_URL": settings.SITE_URL,
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        harness.celery_worker_argv("--pool=solo", "--loglevel=WARNING"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def test_the_worker_stores_the_sheet_once_the_intake_commits(worker):
    assert connection.vendor == "postgresql"
    intake = factories.make_intake()  # autocommit: on_commit publishes to Redis at once
    key = advice.advice_sheet_key(intake.outcome)
    path = Path(settings.MEDIA_ROOT) / key
    deadline = time.monotonic() + 60
    while not path.exists() and time.monotonic() < deadline:
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
        time.sleep(0.2)
    assert path.exists(), "the worker did not store the sheet within 60 s"
    assert path.read_bytes().startswith(b"%PDF-1.7")
