"""Shared benchmark plumbing: a real gunicorn on PostgreSQL and Redis, and a load generator.

The server runs with the production WSGI app on 127.0.0.1 only; the load generator is a
bounded set of keep-alive client threads that stop by themselves at a deadline.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stride_bench")
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def bench_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": BENCH_DB,
        "REDIS_URL": BENCH_REDIS,
        "CELERY_BROKER_URL": BENCH_REDIS.rsplit("/", 1)[0] + "/13",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The production throttles and rate limits, behind one reverse proxy: each simulated
        # patient comes from an address of their own (client_address), as real ones do.
        "PROXY_COUNT": "1",
        "STRIDE_BENCH_ENDPOINTS": "1",
        "LOG_LEVEL": "WARNING",
        "STRIDE_VAR_DIR": str(ROOT / "var" / "bench"),
        # Connections live through the whole run: a backend closed at CONN_MAX_AGE takes its
        # CPU time with it, and a phase's PostgreSQL CPU (read from /proc) would come out low
        # or negative. Reconnecting once a minute costs nothing worth measuring.
        "CONN_MAX_AGE": "3600",
    }
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env or bench_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def reset_database() -> None:
    """A fresh benchmark database, migrated."""
    import psycopg

    name = BENCH_DB.rsplit("/", 1)[1]
    admin = BENCH_DB.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput")


def daytime_zone() -> str:
    """A fixed-offset zone where it is about noon now, so quiet hours never hold a text."""
    offset = 12 - datetime.now(tz=UTC).hour
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def client_address(n: int) -> dict[str, str]:
    """The header a reverse proxy adds for the n-th simulated patient (10.0.0.0/8)."""
    return {"X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    *, workers: int = 3, threads: int = 1, env: dict[str, str] | None = None
) -> Iterator[int]:
    """A real gunicorn serving clinic.wsgi on a free loopback port; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "clinic.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env or bench_env(),
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        stop(process)


def cpu_seconds(pattern: str) -> float:
    """CPU time (user + system) used so far by every process whose command line holds
    `pattern` (e.g. "gunicorn", "postgres:"): read before and after a phase, subtract."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            if pattern in command:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        except (OSError, UnicodeDecodeError, IndexError, ValueError):
            continue  # a process that ended meanwhile
    return total / os.sysconf("SC_CLK_TCK")


def celery_worker_argv(*options: str) -> list[str]:
    """A real Celery worker for clinic, quiet between workers (no gossip, mingle, heartbeat)."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "clinic",
        "worker",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        *options,
    ]


def stop(process: subprocess.Popen, *, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]

    def summary(self) -> dict[str, float]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "throughput_rps": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50) * 1000, 2),
            "p99_ms": round(self.percentile(99) * 1000, 2),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 2) if self.latencies else 0,
        }


# Long on purpose: the client loop is a closure over the shared result, deadline and lock.
def load(
    *,
    port: int,
    method: str,
    path: str,
    body: Callable[[int], bytes] | None = None,
    clients: int = 32,
    seconds: float = 10.0,
    ok: tuple[int, ...] = (200, 201),
) -> LoadResult:
    """`clients` threads hammer one endpoint until the deadline (bounded in count and time)."""
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        errors = 0
        while time.monotonic() < deadline:
            with lock:
                n = next(counter)
            payload = body(n) if body else None
            headers = client_address(n)
            if payload:
                headers["Content-Type"] = "application/json"
            started = time.perf_counter()
            try:
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if status not in ok:
                errors += 1
        conn.close()
        with lock:
            result.latencies.extend(latencies)
            result.requests += len(latencies)
            result.errors += errors
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def json_body(data: object) -> bytes:
    return json.dumps(data).encode()
