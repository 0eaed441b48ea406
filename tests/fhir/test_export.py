"""Bulk export ($export), with tasks run inline: kick-off checks, the status URL's 202 and
manifest, NDJSON per type, _since, cancel, expiry, and one client's job hidden from others."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage

from fhir_api import services
from fhir_api.models import ExportJob
from tests.support import factories
from tests.support.fhir import delete, fhir_json, get, kick_off, ndjson_lines, token

pytestmark = pytest.mark.django_db
DAY1 = datetime(2026, 11, 1, 10, tzinfo=UTC)
DAY3 = datetime(2026, 11, 3, 10, tzinfo=UTC)


@pytest.fixture
def access(client):
    return token(client)


@pytest.fixture
def export(client, django_capture_on_commit_callbacks):
    """Kick off an export whose task runs inline once the kick-off commits."""

    def start(access, query="", **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return kick_off(client, access, query, **headers)

    return start


@pytest.fixture
def intakes():
    made = []
    for when, email in ((DAY1, "a@example.com"), (DAY3, "b@example.com")):
        with time_machine.travel(when, tick=False):
            made.append(factories.make_intake(patient_overrides={"email": email}))
    return made


def _status_path(response) -> str:
    assert response.status_code == 202, response.content
    return response["Content-Location"].removeprefix("http://testserver/fhir/R4")


def test_kick_off_answers_202_with_a_status_url_and_the_job_runs_to_a_manifest(
    client, access, intakes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = kick_off(client, access, "?_type=Patient,QuestionnaireResponse,Observation")
    status = _status_path(response)
    assert fhir_json(response)["resourceType"] == "OperationOutcome"
    pending = get(client, status, access)
    assert pending.status_code == 202 and pending["X-Progress"] == "pending"
    for callback in callbacks:  # the worker's turn
        callback()
    done = get(client, status, access)
    assert done.status_code == 200
    manifest = done.json()
    assert set(manifest) == {"transactionTime", "request", "requiresAccessToken", "output", "error"}
    assert manifest["requiresAccessToken"] is True and manifest["error"] == []
    assert manifest["request"].endswith(
        "/fhir/R4/$export?_type=Patient,QuestionnaireResponse,Observation"
    )
    assert [o["type"] for o in manifest["output"]] == [
        "Patient",
        "QuestionnaireResponse",
        "Observation",
    ]
    lines = ndjson_lines(client, access, manifest["output"][1]["url"])
    assert [line["id"] for line in lines] == [f"intake-{i.pk}" for i in intakes]
    assert len(ndjson_lines(client, access, manifest["output"][2]["url"])) == 4


def test_since_exports_only_what_changed_after_it(export, client, access, intakes):
    response = export(access, "?_type=QuestionnaireResponse&_since=2026-11-02T00:00:00Z")
    manifest = get(client, _status_path(response), access).json()
    (output,) = manifest["output"]
    assert [line["id"] for line in ndjson_lines(client, access, output["url"])] == [
        f"intake-{intakes[1].pk}"
    ]


def test_without_type_it_exports_every_type_the_client_may_read(export, client, intakes):
    access = token(client, scopes="system/Patient.read system/RiskAssessment.read")
    manifest = get(client, _status_path(export(access)), access).json()
    assert {o["type"] for o in manifest["output"]} == {"Patient", "RiskAssessment"}


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        ("", {"Prefer": ""}, 400),
        ("?_type=Nonsense", {}, 400),
        ("?_outputFormat=text/csv", {}, 400),
        ("?_typeFilter=Patient%3Factive%3Dtrue", {}, 400),
        ("?_since=yesterday", {}, 400),
    ],
)
def test_a_bad_kick_off_is_refused_with_an_operation_outcome(
    export, client, access, query, headers, status
):
    response = export(access, query, **headers)
    assert response.status_code == status
    assert fhir_json(response)["resourceType"] == "OperationOutcome"
    assert not ExportJob.objects.exists()


def test_a_type_outside_the_clients_scopes_is_403(export, client):
    access = token(client, scopes="system/Patient.read")
    response = export(access, "?_type=Patient,Observation")
    assert response.status_code == 403
    assert fhir_json(response)["issue"][0]["code"] == "forbidden"


def test_delete_cancels_and_removes_the_files(export, client, access, intakes):
    status = _status_path(export(access, "?_type=Patient"))
    job = ExportJob.objects.get()
    path = job.output[0]["path"]
    assert default_storage.exists(path)
    assert delete(client, status, access).status_code == 202
    assert not default_storage.exists(path)
    assert get(client, status, access).status_code == 404
    assert ExportJob.objects.get().status == ExportJob.Status.CANCELLED


def test_a_job_cancelled_while_it_runs_stops_and_leaves_no_file(
    access, intakes, client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.FHIR_EXPORT_CHUNK_SIZE = 1
    with django_capture_on_commit_callbacks(execute=False):
        kick_off(client, access, "?_type=Patient,QuestionnaireResponse")
    job = ExportJob.objects.get()
    original = services._cancelled

    def cancel_then_check(job_id):
        ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.CANCELLED)
        return original(job_id)

    monkeypatch.setattr(services, "_cancelled", cancel_then_check)
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.CANCELLED
    assert not default_storage.exists(f"{job.storage_folder}/Patient.ndjson")


def test_files_expire_after_the_ttl_and_the_beat_scan_removes_them(
    export, client, access, intakes, settings
):
    settings.FHIR_EXPORT_TTL_HOURS = 2
    status = _status_path(export(access, "?_type=Patient"))
    job = ExportJob.objects.get()
    path = job.output[0]["path"]
    assert job.expires_at - job.finished_at == timedelta(hours=2)
    assert services.exports_expire() == 0
    with time_machine.travel(job.expires_at + timedelta(seconds=1)):
        assert services.exports_expire() == 1
    assert not default_storage.exists(path)
    assert get(client, status, access).status_code == 404


def test_another_client_cannot_see_or_cancel_a_job(export, client, access, intakes):
    status = _status_path(export(access, "?_type=Patient"))
    manifest = get(client, status, access).json()
    other = token(client)
    assert get(client, status, other).status_code == 404
    assert get(client, manifest["output"][0]["url"], other).status_code == 404
    deleted = delete(client, status, other)
    assert deleted.status_code == 404
    assert get(client, status, access).status_code == 200


def test_a_lost_task_is_published_again_by_the_beat_scan(
    access, client, intakes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        kick_off(client, access, "?_type=Patient")  # the broker never got it
    job = ExportJob.objects.get()
    assert services.exports_run_pending() == 0  # just published: not lost yet
    with (
        time_machine.travel(job.enqueued_at + timedelta(minutes=3)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.exports_run_pending() == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.COMPLETE


def test_export_files_need_a_token(export, client, access, intakes):
    manifest = get(client, _status_path(export(access, "?_type=Patient")), access).json()
    assert get(client, manifest["output"][0]["url"], None).status_code == 401
