"""PostgreSQL restarted under a stream of requests: clean 503s, then service by itself."""

import http.client
import itertools
import json
import threading
import time

import pytest

from bench import harness
from tests.support import factories
from tests.support.private_services import PrivatePostgres

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    server.start()
    yield server
    server.destroy()


def test_requests_fail_cleanly_while_postgres_is_down_and_recover_by_themselves(
    private_postgres,
):
    env = harness.bench_env(
        DATABASE_URL=private_postgres.url, STRIDE_BENCH_ENDPOINTS="0", CONN_MAX_AGE="60"
    )
    for key in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(key)
    harness.manage("migrate", "--noinput", env=env)
    body = json.dumps(factories.body()).encode()
    seen: list[tuple[float, int, str, str | None]] = []
    stop = threading.Event()

    def stream(port: int) -> None:
        patients = itertools.count(1)
        while not stop.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            # Each request from a patient of its own, behind the proxy: no throttle applies.
            headers = {"Content-Type": "application/json", **harness.client_address(next(patients))}
            try:
                conn.request("POST", "/api/v1/intakes/", body=body, headers=headers)
                response = conn.getresponse()
                seen.append(
                    (
                        time.monotonic(),
                        response.status,
                        response.read().decode(),
                        response.getheader("Retry-After"),
                    )
                )
            finally:
                conn.close()
            time.sleep(0.02)

    with harness.gunicorn(workers=2, env=env) as port:
        streamer = threading.Thread(target=stream, args=(port,))
        streamer.start()
        time.sleep(1.5)
        private_postgres.stop()
        down_at = time.monotonic()
        time.sleep(2.0)
        restarting_at = time.monotonic()
        private_postgres.start()
        up_at = time.monotonic()
        time.sleep(3.0)
        stop.set()
        streamer.join(timeout=30)

    statuses = [status for _, status, _, _ in seen]
    assert set(statuses) <= {201, 503}, statuses
    during = [s for t, s, _, _ in seen if down_at + 0.5 < t < restarting_at]
    assert during and set(during) == {503}
    for _, status, text, retry_after in seen:
        assert "Traceback" not in text
        if status == 503:
            assert json.loads(text)["type"] == "service_unavailable"
            assert retry_after is not None
    assert any(s == 201 for t, s, _, _ in seen if t > up_at + 1), "service did not resume"
