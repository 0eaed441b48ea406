"""Getting the sheet over HTTP: who may fetch it, how it is named, rendered once and stored."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.utils import timezone

from clinic.links import link_token_make
from dashboard.models import AuditEvent
from dashboard.services import staff_groups_sync
from intake import advice, triage
from intake.links import intake_token
from intake.models import Intake, TriageOutcome
from intake.services import intake_submit
from intake.tasks import advice_sheets_render_missing
from tests.support import factories
from tests.support.advice import pdf_squashed, squash

pytestmark = pytest.mark.django_db

SUBMITTED = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(SUBMITTED, tick=False) as traveller:
        yield traveller


def create(client, **answers) -> dict:
    response = client.post(
        "/api/v1/intakes/",
        data=json.dumps(factories.body(**answers)),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def sheet_path(created: dict) -> str:
    return created["links"]["advice_sheet"].removeprefix("http://testserver")


@pytest.fixture
def staff(client):
    """A clinician: the dashboard's group with the clinical capability."""
    user = get_user_model().objects.create_user("clinician", password="pw-for-tests")
    user.groups.add(staff_groups_sync()["clinician"])
    return user


def test_the_api_links_to_the_sheet_and_the_link_serves_a_named_pdf(client, frozen):
    created = create(client)
    assert created["links"]["advice_sheet"] == (
        f"http://testserver/intake/r/{created['token']}/advice.pdf"
    )
    response = client.get(sheet_path(created))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="knee-plan-2026-11-25.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_squashed(response.content)
    assert squash(triage.ADVICE["ice_15"]) in text
    assert squash(triage.DISCLAIMER) in text


def test_the_result_page_offers_the_download(client):
    created = create(client)
    page = client.get(created["links"]["result"].removeprefix("http://testserver"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Download your advice sheet (PDF)" in html
    assert f'href="{sheet_path(created)}"' in html


def test_the_sheet_is_rendered_after_the_intake_commits(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = create(client)
    outcome = TriageOutcome.objects.get(intake_id=created["id"])
    assert default_storage.exists(advice.advice_sheet_key(outcome))


def test_a_missing_file_is_rendered_on_the_spot_stored_and_then_served_from_storage(
    client, monkeypatch
):
    created = create(client)  # on_commit not run: the render task never happened
    outcome = TriageOutcome.objects.get(intake_id=created["id"])
    key = advice.advice_sheet_key(outcome)
    assert not default_storage.exists(key)
    first = client.get(sheet_path(created))
    assert first.status_code == 200
    assert default_storage.exists(key)

    def no_render(*args, **kwargs):
        raise AssertionError("rendered again instead of serving the stored file")

    monkeypatch.setattr(advice, "advice_sheet_pdf", no_render)
    second = client.get(sheet_path(created))
    assert second.status_code == 200
    assert second.content == first.content


def test_a_changed_rules_version_gives_a_new_file(monkeypatch):
    intake = factories.make_intake()
    outcome = intake.outcome
    old_key = advice.advice_sheet_key(outcome)
    advice.advice_sheet_get(outcome=outcome)
    monkeypatch.setattr(triage, "RULES_VERSION", "2099.1.1")
    new_key = advice.advice_sheet_key(outcome)
    assert new_key != old_key
    assert "2099.1.1" in new_key
    assert str(outcome.pk) in new_key
    advice.advice_sheet_get(outcome=outcome)
    assert default_storage.exists(old_key) and default_storage.exists(new_key)


def test_a_changed_template_version_gives_a_new_file(monkeypatch):
    outcome = factories.make_intake().outcome
    old_key = advice.advice_sheet_key(outcome)
    monkeypatch.setattr(advice, "SHEET_TEMPLATE_VERSION", "999")
    assert advice.advice_sheet_key(outcome) != old_key


def test_the_storage_key_holds_ids_and_versions_only():
    outcome = factories.make_intake(patient_overrides={"name": "Zed Secret"}).outcome
    key = advice.advice_sheet_key(outcome)
    assert key == (
        f"advice-sheets/{outcome.pk}/rules-{triage.RULES_VERSION}-sheet-"
        f"{advice.SHEET_TEMPLATE_VERSION}.pdf"
    )


def test_the_urgent_sheet_downloads_too(client):
    created = create(client, red_flags=["hot_swollen_fever"])
    response = client.get(sheet_path(created))
    assert response.status_code == 200
    assert squash(triage.ADVICE["seek_urgent_care"]) in pdf_squashed(response.content)


def test_a_tampered_token_is_refused(client, staff):
    created = create(client)
    path = sheet_path(created).replace(created["token"], created["token"][:-3] + "abc")
    assert client.get(path).status_code == 404
    client.force_login(staff)
    assert client.get(path).status_code == 404


def test_a_token_for_another_purpose_is_refused(client):
    created = create(client)
    other = link_token_make(purpose="followup", object_id=created["id"])
    response = client.get(f"/intake/r/{other}/advice.pdf")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_outsider_without_the_token_gets_nothing(client):
    created = create(client)
    intake = Intake.objects.get(pk=created["id"])
    forged = intake_token(intake).split(":")[0] + ":forged:signature"
    assert client.get(f"/intake/r/{forged}/advice.pdf").status_code == 404
    assert client.get("/intake/r//advice.pdf").status_code == 404


def test_an_expired_token_is_refused_to_the_patient_and_other_users(client, frozen):
    created = create(client)
    frozen.shift(timedelta(days=91))
    assert client.get(sheet_path(created)).status_code == 410
    outsider = get_user_model().objects.create_user("someone", password="pw-for-tests")
    client.force_login(outsider)
    assert client.get(sheet_path(created)).status_code == 410


def staff_sheet_path(created: dict) -> str:
    return f"/staff/intakes/{created['id']}/advice.pdf"


def test_a_clinician_can_fetch_a_sheet_from_the_staff_side_once_the_link_expired_audited(
    client, frozen, staff
):
    created = create(client)
    frozen.shift(timedelta(days=91))
    client.force_login(staff)
    response = client.get(staff_sheet_path(created))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="knee-plan-2026-11-25.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    (event,) = AuditEvent.objects.filter(actor=staff)
    assert (event.action, event.object_type, event.object_id) == (
        "intake_view",
        "advice_sheet",
        created["id"],
    )


def test_the_patient_link_gives_a_clinician_no_staff_rules(client, frozen, staff):
    """An expired patient link stays expired for a signed-in clinician, and is not audited."""
    created = create(client)
    frozen.shift(timedelta(days=91))
    client.force_login(staff)
    assert client.get(sheet_path(created)).status_code == 410
    assert not AuditEvent.objects.exists()


def test_an_admin_flag_alone_does_not_open_an_expired_sheet(client, frozen):
    """is_staff opens Django's admin; clinical data needs the dashboard's capability."""
    created = create(client)
    frozen.shift(timedelta(days=91))
    admin_only = get_user_model().objects.create_user("ada", password="pw", is_staff=True)
    client.force_login(admin_only)
    assert client.get(sheet_path(created)).status_code == 410
    assert client.get(staff_sheet_path(created)).status_code == 403


def test_a_clinician_who_has_not_passed_two_factor_gets_the_patient_rule(
    client, frozen, staff, settings
):
    settings.STAFF_REQUIRE_2FA = True
    created = create(client)
    frozen.shift(timedelta(days=91))
    client.force_login(staff)  # signed in, but no TOTP step in this session
    assert client.get(sheet_path(created)).status_code == 410
    response = client.get(staff_sheet_path(created))
    assert response.status_code == 302 and response["Location"] == "/staff/two-factor/"
    assert not AuditEvent.objects.exists()


def test_it_only_answers_get(client, staff):
    created = create(client)
    assert client.post(sheet_path(created)).status_code == 405
    client.force_login(staff)
    assert client.post(staff_sheet_path(created)).status_code == 405


def test_the_beat_scan_renders_recent_sheets_whose_task_was_lost(
    django_capture_on_commit_callbacks,
):
    old = intake_submit(
        patient=factories.patient(), answers=factories.answers(), now=SUBMITTED - timedelta(days=9)
    )
    recent = factories.make_intake()  # its render task was never sent
    # Not while its task may still be on its way; a few minutes on, the scan renders it.
    assert advice.advice_sheets_missing() == []
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        assert advice.advice_sheets_missing() == [recent.outcome.pk]
        with django_capture_on_commit_callbacks(execute=True):
            advice_sheets_render_missing()
        assert advice.advice_sheets_missing() == []
    assert default_storage.exists(advice.advice_sheet_key(recent.outcome))
    assert not default_storage.exists(advice.advice_sheet_key(old.outcome))


def test_every_task_beat_sends_and_the_render_task_are_registered_with_celery():
    from django.conf import settings

    from clinic.celery import app

    app.loader.import_default_modules()  # what a worker does at start
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled | {"intake.advice_sheet_render", "intake.plan_send"} <= set(app.tasks)


def test_a_lost_race_leaves_one_file_under_the_key():
    outcome = factories.make_intake().outcome
    key = advice.advice_sheet_key(outcome)
    advice.advice_sheet_store(outcome=outcome)
    advice._render_and_save(outcome, key)  # the slower of two workers saves second
    folder = Path(settings.MEDIA_ROOT) / key.rsplit("/", 1)[0]
    assert [p.name for p in folder.iterdir()] == [key.rsplit("/", 1)[1]]


def test_the_download_comes_first_for_self_care_and_after_booking_for_an_assessment(client):
    self_care = create(client)
    page = client.get(self_care["links"]["result"].removeprefix("http://testserver"))
    html = page.content.decode()
    assert html.index("Download your advice sheet") < html.index("Book your free second opinion")
    assessment = create(client, duration_days=30)
    page = client.get(assessment["links"]["result"].removeprefix("http://testserver"))
    html = page.content.decode()
    assert html.index("Book your free second opinion") < html.index("Download your advice sheet")
