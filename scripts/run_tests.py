"""Run the test suite against PostgreSQL and Redis when they answer, SQLite otherwise.

`make test` calls this. It probes 127.0.0.1:5432 and :6379, says what it found, points
DATABASE_URL and REDIS_URL at them (unless already set), and hands over to pytest. Tests
marked `postgres` or `redis` skip with a reason when their service is missing, or fail the
run when REQUIRE_SERVICES=1 (as in CI).
"""

import os
import socket
import sys

PG_URL = "postgres://postgres@127.0.0.1:5432/stride"
REDIS_URL = "redis://127.0.0.1:6379/1"


def _postgres_answers(url: str) -> bool:
    try:
        import psycopg

        dsn = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(dsn, connect_timeout=2):
            return True
    except Exception:
        return False


def _redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def main() -> int:
    env = os.environ
    database_url = env.get("DATABASE_URL", PG_URL)
    have_pg = database_url.startswith("postgres") and _postgres_answers(database_url)
    have_redis = _redis_answers()
    if have_pg:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    if have_redis:
        env.setdefault("REDIS_URL", REDIS_URL)
        # The broker gets its own Redis database: tests clear the cache database freely.
        env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/2")
    else:
        env.pop("REDIS_URL", None)
        env.pop("CELERY_BROKER_URL", None)
    env["STRIDE_HAVE_POSTGRES"] = "1" if have_pg else "0"
    env["STRIDE_HAVE_REDIS"] = "1" if have_redis else "0"
    env.setdefault("STRIDE_VAR_DIR", os.path.abspath("var/test"))
    print(
        "make test: database "
        + (f"PostgreSQL ({database_url})" if have_pg else "SQLite (PostgreSQL not answering)")
        + "; broker "
        + (f"Redis ({env['REDIS_URL']})" if have_redis else "none (Redis not answering)"),
        flush=True,
    )
    if env.get("REQUIRE_SERVICES") == "1" and not (have_pg and have_redis):
        print("REQUIRE_SERVICES=1 but PostgreSQL or Redis is not answering.", file=sys.stderr)
        return 2
    os.execv(sys.executable, [sys.executable, "-m", "pytest", *sys.argv[1:]])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
