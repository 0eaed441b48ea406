"""`make run`: migrate, seed the demo, then serve with a real Celery worker and beat.

On a bare machine this is SQLite and Celery's filesystem transport; with DATABASE_URL and
CELERY_BROKER_URL/REDIS_URL exported it is PostgreSQL and Redis. Ctrl-C stops everything.
`make run PORT=8001 HOST=0.0.0.0` serves elsewhere (PORT and HOST from the environment too);
SITE_URL follows them unless it is set, so links in messages point at this server.
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


def address() -> tuple[str, int]:
    """HOST and PORT from the environment (`make run PORT=8001`), 127.0.0.1:8000 by default."""
    host = os.environ.get("HOST") or "127.0.0.1"
    port = os.environ.get("PORT") or "8000"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SystemExit(f"PORT must be a number from 1 to 65535, not {port!r}.")
    return host, int(port)


def welcome(site_url: str, username: str, password: str) -> str:
    """The lines `make run` prints once the server is up: where to go and how to sign in."""
    return "\n".join(
        [
            "",
            "Stride is running. Press Ctrl-C to stop it.",
            f"  Patients: open {site_url}/ to fill in the knee-pain form.",
            f"  Staff:    open {site_url}/staff/ and sign in as {username!r}"
            f" with the password {password!r}.",
            f"  API:      the docs are at {site_url}/api/docs/.",
            "  Follow-ups: check-ins go out FOLLOW_UP_DELAY_MINUTES after an intake (a week;",
            "            `FOLLOW_UP_DELAY_MINUTES=2 make run` for a demo); send the due ones",
            "            now with `.venv/bin/python manage.py send_due_followups --now`",
            "            followed by a date and time (ISO 8601) to stand in for the clock.",
            "",
        ]
    )


def _demo_login() -> tuple[str, str]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()
    from dashboard.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME

    return DEMO_USERNAME, DEMO_PASSWORD


def _environment_for(host: str, port: int) -> None:
    """SITE_URL and ALLOWED_HOSTS for this address, unless the caller set them."""
    # A browser on this machine cannot open 0.0.0.0: show the loopback address instead.
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104  # nosec B104 (only compared, never bound)
    os.environ.setdefault("SITE_URL", f"http://{shown}:{port}")
    # The demo clinic is in the United States (911, +1 numbers, New York time): its dates,
    # miles and Letter sheets too, unless the caller chose another locale.
    os.environ.setdefault("CLINIC_LOCALE", "en-US")
    if host not in ("127.0.0.1", "localhost") and "ALLOWED_HOSTS" not in os.environ:
        os.environ["ALLOWED_HOSTS"] = f"127.0.0.1,localhost,{shown}"


def main() -> int:
    var = Path(os.environ.get("STRIDE_VAR_DIR", ROOT / "var"))
    for folder in ("celery/queue", "celery/processed", "celery/control", "media"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    host, port = address()
    _environment_for(host, port)
    _manage("migrate", "--noinput")
    _manage("seed_demo")
    celery = [PY, "-m", "celery", "-A", "clinic"]
    processes = [
        subprocess.Popen([*celery, "worker", "--loglevel=INFO", "--concurrency=2"], cwd=ROOT),
        subprocess.Popen([*celery, "beat", "--loglevel=INFO"], cwd=ROOT),
        subprocess.Popen([PY, "manage.py", "runserver", f"{host}:{port}", "--noreload"], cwd=ROOT),
    ]
    from_seed = _demo_login()
    time.sleep(2)  # after the server's and Celery's own start-up lines, not lost among them
    print(welcome(os.environ["SITE_URL"], *from_seed), flush=True)

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
