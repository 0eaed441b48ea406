"""`make run`: migrate, seed the demo, then serve with a real Celery worker and beat.

On a bare machine this is SQLite and Celery's filesystem transport; with DATABASE_URL and
CELERY_BROKER_URL/REDIS_URL exported it is PostgreSQL and Redis. Ctrl-C stops everything.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True)


def main() -> int:
    var = Path(os.environ.get("STRIDE_VAR_DIR", ROOT / "var"))
    for folder in ("celery/queue", "celery/processed", "celery/control", "media"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    _manage("migrate", "--noinput")
    _manage("seed_demo")
    celery = [PY, "-m", "celery", "-A", "clinic"]
    processes = [
        subprocess.Popen([*celery, "worker", "--loglevel=INFO", "--concurrency=2"], cwd=ROOT),
        subprocess.Popen([*celery, "beat", "--loglevel=INFO"], cwd=ROOT),
        subprocess.Popen([PY, "manage.py", "runserver", "127.0.0.1:8000", "--noreload"], cwd=ROOT),
    ]

    def stop(*_: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
