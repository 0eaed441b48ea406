"""Real processes for the integration tests: Celery workers, management commands, redis-server.

Workers run `celery -A clinic worker` against pytest-django's test database (the tests use
`transactional_db`, so rows are committed and visible to them) and write texts through
`FileSmsBackend` into a temporary folder, which is how a test counts real sends across
processes. Every process is started in its own session and stopped by its own id.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

from bench import harness
from tests.integration.private_services import PrivateRedis

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate: Callable[[], bool], *, timeout: float, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


@dataclass
class Sends:
    """What the file-based SMS provider saw: every call, and every real delivery."""

    folder: Path

    def _lines(self, name: str) -> list[dict]:
        path = self.folder / name
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def calls(self) -> Counter:
        return Counter(line["key"] for line in self._lines("calls.jsonl"))

    def delivered(self) -> Counter:
        return Counter(line["key"] for line in self._lines("delivered.jsonl"))


@dataclass
class Stack:
    """Environment and processes of one integration test."""

    env: dict[str, str]
    tmp: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def worker(self, *, concurrency: int = 2) -> subprocess.Popen:
        log = open(self.tmp / f"worker-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            harness.celery_worker_argv(
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--pool=prefork",
                "-n",
                f"it{len(self.processes)}-{os.getpid()}@%h",
            ),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool too
        )
        self.processes.append(process)
        return process

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    @staticmethod
    def stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                Stack.kill(process)

    def logs(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in sorted(self.tmp.glob("worker-*.log")))


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
