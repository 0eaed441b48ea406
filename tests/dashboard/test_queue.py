"""The queue at /staff/: urgent first, then not improving, then new intakes; filters, search."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.bulk import intakes_bulk_create
from dashboard.selectors import paging, queue
from dashboard.services import intake_acknowledge
from intake.models import Intake, Referral
from tests.support.factories import make_intake

pytestmark = pytest.mark.django_db


def _names(response, key):
    return [
        (i.patient.name if hasattr(i, "patient") else i.intake.patient.name)
        for i in response.context[key]
    ]


def _listed(response):
    return [i.patient.name for i in response.context["page"].object_list]


def test_urgent_unacknowledged_intakes_head_the_page_with_their_age(
    clinician_client, urgent_intake, routine_intake
):
    Intake.objects.filter(pk=urgent_intake.pk).update(
        submitted_at=timezone.now() - timedelta(hours=2)
    )
    response = clinician_client.get("/staff/")
    page = response.content.decode()
    assert _names(response, "urgent") == ["Uma Urgent"]
    assert "waiting 2\xa0hours" in page
    assert page.index("Uma Urgent") < page.index("Rita Routine")
    assert "Uma Urgent" not in _listed(response)  # not twice


def test_an_acknowledged_urgent_intake_leaves_the_top_block(
    clinician_client, clinician, urgent_intake
):
    intake_acknowledge(intake_id=urgent_intake.pk, by=clinician)
    response = clinician_client.get("/staff/")
    assert _names(response, "urgent") == []
    assert "Uma Urgent" not in _listed(response)  # status moved on from "new"
    response = clinician_client.get("/staff/", {"status": "acknowledged"})
    assert _listed(response) == ["Uma Urgent"]


def test_open_not_improving_referrals_come_second(clinician_client, routine_intake):
    closed = make_intake(patient_overrides={"name": "Carl Closed"})
    Referral.objects.create(intake=routine_intake, reason="not_improving")
    Referral.objects.create(intake=closed, reason="not_improving", status="closed")
    response = clinician_client.get("/staff/")
    assert _names(response, "not_improving") == ["Rita Routine"]
    page = response.content.decode()
    assert page.index('id="urgent-block"') < page.index('id="not-improving-block"')
    assert page.index('id="not-improving-block"') < page.index('id="intake-list"')
    assert page.index('id="intake-list"') < page.index('id="appointments-block"')


def test_a_top_block_shows_its_limit_and_says_there_are_more(db):
    urgent = [make_intake(red_flags=["calf_swelling_pain"]) for _ in range(3)]
    for intake in urgent:
        Referral.objects.create(intake=intake, reason="not_improving")
    rows, more = queue.urgent_unacknowledged(limit=2)
    assert ([i.pk for i in rows], more) == ([i.pk for i in urgent[:2]], True)
    rows, more = queue.referrals_not_improving(limit=2)
    assert ([r.intake_id for r in rows], more) == ([i.pk for i in urgent[:2]], True)
    assert queue.urgent_unacknowledged(limit=3)[1] is False
    assert queue.referrals_not_improving(limit=3)[1] is False


def test_new_intakes_are_listed_by_urgency_then_newest_first(clinician_client):
    now = timezone.now()
    old_self_care = make_intake(patient_overrides={"name": "Old Selfcare"})
    make_intake(patient_overrides={"name": "New Selfcare"})
    assessment = make_intake(pain_now=8, patient_overrides={"name": "Ann Assessment"})
    Intake.objects.filter(pk=old_self_care.pk).update(submitted_at=now - timedelta(days=2))
    Intake.objects.filter(pk=assessment.pk).update(submitted_at=now - timedelta(days=3))
    assert assessment.urgency == "assessment"
    response = clinician_client.get("/staff/")
    assert _listed(response) == ["Ann Assessment", "New Selfcare", "Old Selfcare"]


def test_a_day_without_appointments_says_so(clinician_client):
    """The booked case is in test_appointments.py; this is the empty block's own wording."""
    assert "No appointments today." in clinician_client.get("/staff/").content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"urgency": "assessment"}, ["Ann Assessment"]),
        ({"pattern": "runners_knee"}, ["Rita Routine"]),
        ({"status": "contacted"}, ["Cody Contacted"]),
        ({"status": "all", "urgency": "self_care"}, ["Rita Routine", "Cody Contacted"]),
        ({"q": "rita"}, ["Rita Routine"]),
        ({"q": "ANN@EXAMPLE"}, ["Ann Assessment"]),
        ({"q": "(202) 555-0199"}, ["Ann Assessment"]),
        ({"q": "5550199"}, ["Ann Assessment"]),
        ({"q": "nobody"}, []),
    ],
)
def test_filters_and_search_narrow_the_list(clinician_client, params, expected):
    now = timezone.now()
    rita = make_intake(patient_overrides={"name": "Rita Routine", "email": "rita@example.com"})
    ann = make_intake(
        pain_now=8,
        pain_locations=["all_over"],
        symptoms=["locking"],
        patient_overrides={
            "name": "Ann Assessment",
            "email": "ann@example.com",
            "phone": "+1 202 555 0199",
        },
    )
    cody = make_intake(patient_overrides={"name": "Cody Contacted", "email": "cody@example.com"})
    Intake.objects.filter(pk=cody.pk).update(status="contacted", submitted_at=now - timedelta(1))
    Intake.objects.filter(pk=ann.pk).update(submitted_at=now - timedelta(hours=1))
    assert rita.pattern == "runners_knee" and ann.pattern != "runners_knee"
    response = clinician_client.get("/staff/", params)
    assert response.status_code == 200
    assert _listed(response) == expected


def test_the_date_filter_takes_whole_days_in_the_clinic_zone(clinician_client):
    today = timezone.localdate()
    early = make_intake(patient_overrides={"name": "Early Bird"})
    make_intake(patient_overrides={"name": "Today Person"})
    Intake.objects.filter(pk=early.pk).update(submitted_at=timezone.now() - timedelta(days=5))
    day = today - timedelta(days=5)
    response = clinician_client.get("/staff/", {"submitted_from": day, "submitted_to": day})
    assert _listed(response) == ["Early Bird"]
    response = clinician_client.get("/staff/", {"submitted_from": today})
    assert _listed(response) == ["Today Person"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"urgency": "extreme"}, "urgency"),
        ({"pattern": "broken_leg"}, "pattern"),
        ({"status": "lost"}, "status"),
        ({"submitted_from": "yesterday"}, "submitted_from"),
        ({"submitted_from": "2026-11-20", "submitted_to": "2026-11-01"}, "submitted_to"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(clinician_client, routine_intake, params, field):
    response = clinician_client.get("/staff/", params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["page"] is None
    assert "Check the filters above." in response.content.decode()


def test_the_list_is_paginated_and_keeps_the_filters(clinician_client):
    intakes_bulk_create(60)
    response = clinician_client.get("/staff/", {"status": "all", "urgency": "self_care"})
    page = response.context["page"]
    assert len(page.object_list) == queue.QUEUE_PAGE_SIZE
    assert page.paginator.num_pages > 1
    assert "status=all&amp;urgency=self_care&amp;page=2" in response.content.decode()
    second = clinician_client.get(
        "/staff/", {"status": "all", "urgency": "self_care", "page": 2}
    ).context["page"]
    assert not {i.pk for i in page.object_list} & {i.pk for i in second.object_list}
    assert clinician_client.get("/staff/", {"page": "999"}).status_code == 200
    assert clinician_client.get("/staff/", {"page": "nonsense"}).status_code == 200


def test_the_live_refresh_returns_only_the_top_blocks(clinician_client, urgent_intake):
    response = clinician_client.get("/staff/", headers={"X-Stride-Refresh": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Uma Urgent" in page
    assert "<html" not in page
    assert 'id="intake-list"' not in page


def test_the_live_refresh_keeps_updating_under_a_bad_filter(clinician_client, urgent_intake):
    response = clinician_client.get(
        "/staff/", {"submitted_from": "not a date"}, headers={"X-Stride-Refresh": "1"}
    )
    assert response.status_code == 200
    assert "Uma Urgent" in response.content.decode()


def test_the_queue_page_loads_its_script_from_our_own_static_files(clinician_client):
    page = clinician_client.get("/staff/").content.decode()
    assert '<script src="/static/js/dashboard.js" defer></script>' in page
    assert "<script>" not in page


def test_a_clinician_override_shows_beside_the_patients_urgency(clinician_client, clinician):
    from dashboard.services import triage_override

    intake = make_intake(patient_overrides={"name": "Otto Override"})
    triage_override(intake_id=intake.pk, by=clinician, urgency="assessment", reason="Swollen.")
    response = clinician_client.get("/staff/")
    row = next(i for i in response.context["page"].object_list if i.pk == intake.pk)
    assert row.urgency == "self_care"
    assert row.override_urgency == "assessment"


def test_an_urgent_intake_contacted_before_acknowledgement_stays_at_the_top(
    front_desk_client, urgent_intake
):
    front_desk_client.post(f"/staff/intakes/{urgent_intake.pk}/contacted/", {"method": "phone"})
    urgent_intake.refresh_from_db()
    assert urgent_intake.status == "contacted"
    response = front_desk_client.get("/staff/", {"status": "contacted"})
    assert _names(response, "urgent") == ["Uma Urgent"]
    assert _listed(response) == []  # shown once, at the top


def test_a_closed_urgent_intake_leaves_the_top_block(clinician_client, urgent_intake):
    Intake.objects.filter(pk=urgent_intake.pk).update(status="closed")
    assert _names(clinician_client.get("/staff/"), "urgent") == []


def test_a_long_list_counts_to_a_cap_and_says_so(clinician_client, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 30)
    intakes_bulk_create(120)
    response = clinician_client.get("/staff/", {"status": "all"})
    page = response.context["page"]
    assert page.paginator.capped
    assert page.paginator.num_pages == 2  # 30 rows at most, 25 a page
    assert "over 30: narrow the filters" in response.content.decode()
    last = clinician_client.get("/staff/", {"status": "all", "page": 9}).context["page"]
    assert last.number == 2
