"""The integration tests' processes: Celery workers and management commands started by
their own ids, and what the file-based SMS provider saw (see tests/integration/conftest.py)."""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import harness

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
