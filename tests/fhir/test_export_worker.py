"""Bulk export with a REAL Celery worker: 202, then 202 with X-Progress while it runs, then
the manifest and NDJSON files that validate; DELETE cancels and leaves no file."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from bench import harness
from bench.fhir_export_bench import intakes_make
from fhir_api.models import ExportJob
from tests.support import factories
from tests.support.fhir import delete, get, kick_off, ndjson_lines, token

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    if connection.vendor != "postgresql":
        pytest.fail("integration tests need PostgreSQL")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SITE_URL": settings.SITE_URL,
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "0",
        # Small chunks: the worker looks for a cancel often.
        "FHIR_EXPORT_CHUNK_SIZE": "5",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    from clinic.celery import app

    app.control.purge()
    process = subprocess.Popen(
        harness.celery_worker_argv("--pool=solo", "--loglevel=WARNING"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    app.control.purge()


def _poll(client, access, status, worker, *, until: int, timeout: float = 60):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
        response = get(client, status, access)
        seen.append(response)
        if response.status_code == until:
            return response, seen
        time.sleep(0.1)
    raise AssertionError(f"no {until} within {timeout} s: {[r.status_code for r in seen][-5:]}")


def test_a_real_worker_runs_the_export_to_a_manifest_of_valid_ndjson(client, worker):
    intakes = [
        factories.make_intake(patient_overrides={"email": f"w{i}@example.com"}) for i in range(3)
    ]
    access = token(client)
    response = kick_off(client, access, "?_type=Patient,QuestionnaireResponse,RiskAssessment")
    assert response.status_code == 202
    status = response["Content-Location"].removeprefix("http://testserver/fhir/R4")
    first = get(client, status, access)
    assert first.status_code in (202, 200)
    if first.status_code == 202:
        assert first["X-Progress"]
    done, _ = _poll(client, access, status, worker, until=200)
    manifest = done.json()
    assert manifest["requiresAccessToken"] is True
    by_type = {o["type"]: o["url"] for o in manifest["output"]}
    assert set(by_type) == {"Patient", "QuestionnaireResponse", "RiskAssessment"}
    responses = ndjson_lines(client, access, by_type["QuestionnaireResponse"])
    assert [r["id"] for r in responses] == [f"intake-{i.pk}" for i in intakes]
    assert len(ndjson_lines(client, access, by_type["Patient"])) == 3
    assert len(ndjson_lines(client, access, by_type["RiskAssessment"])) == 3


def test_delete_on_the_status_url_cancels_a_real_export_and_leaves_no_file(client, worker):
    # Rows made in bulk: no advice sheets or messages queue ahead of the export on the worker.
    intakes_make(300)
    access = token(client)
    response = kick_off(client, access)
    status = response["Content-Location"].removeprefix("http://testserver/fhir/R4")
    # Cancel once the worker has taken the job (running, or already finished).
    deadline = time.monotonic() + 60
    while ExportJob.objects.get().status == ExportJob.Status.PENDING:
        assert time.monotonic() < deadline, "the worker never took the job"
        time.sleep(0.02)
    deleted = delete(client, status, access)
    assert deleted.status_code == 202
    assert get(client, status, access).status_code == 404
    job = ExportJob.objects.get()
    # Whether the worker was midway or had finished, nothing stays behind.
    deadline = time.monotonic() + 30
    leftovers = ["?"]
    while time.monotonic() < deadline and leftovers:
        job.refresh_from_db()
        folder = Path(settings.MEDIA_ROOT) / job.storage_folder
        leftovers = list(folder.glob("*")) if folder.exists() else []
        time.sleep(0.2)
    assert job.status == ExportJob.Status.CANCELLED
    assert leftovers == []
    assert not default_storage.exists(f"{job.storage_folder}/Patient.ndjson")
