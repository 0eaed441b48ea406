"""Triage quality: each figure on a small hand-checked data set, kappa against a worked
textbook example, the page's access and filter, a de-identified formula-safe CSV, and a
query count that does not grow with the number of intakes."""

import csv
import io
import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from dashboard.models import AuditEvent, TriageOverride
from dashboard.quality import (
    QualityRow,
    cohen_kappa,
    confusion_matrix,
    csv_safe,
    observed_agreement,
    quality_csv,
    quality_figures,
)
from intake.models import FollowUp, Intake, Referral, TriageOutcome
from referrals.models import Appointment, AppointmentOutcome, Clinician, Slot
from tests.support import factories

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)

# --- Kappa: Wikipedia's worked example ("Cohen's kappa", simple example) --------------------
# 50 proposals, two readers: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
# po = 35/50 = 0.70; pe = 0.5*0.6 + 0.5*0.4 = 0.50; kappa = (0.70-0.50)/(1-0.50) = 0.40.
# SE = sqrt(0.7*0.3 / (50*0.5^2)) = sqrt(0.0168) = 0.12961; 95%: 0.40 ± 1.96*0.12961.


def worked_example():
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10
    return confusion_matrix(pairs + [("no", "no")] * 15)


def test_kappa_matches_the_worked_textbook_example():
    kappa = cohen_kappa(worked_example())
    assert kappa.n == 50
    assert kappa.observed == pytest.approx(0.70)
    assert kappa.expected == pytest.approx(0.50)
    assert kappa.kappa == pytest.approx(0.40)
    assert kappa.low == pytest.approx(0.40 - 1.959964 * 0.129615, abs=1e-4)  # 0.1460
    assert kappa.high == pytest.approx(0.40 + 1.959964 * 0.129615, abs=1e-4)  # 0.6540


def test_perfect_agreement_is_kappa_one_and_no_cases_or_one_label_give_none():
    perfect = cohen_kappa(confusion_matrix([("a", "a"), ("b", "b"), ("a", "a")]))
    assert perfect.kappa == pytest.approx(1.0) and perfect.high == 1.0
    assert cohen_kappa(confusion_matrix([])) is None
    assert cohen_kappa(confusion_matrix([("a", "a")] * 3)) is None  # chance agreement is 1
    assert observed_agreement(confusion_matrix([])) is None


# --- Every figure on a hand-checked set -----------------------------------------------------


def row(intake_id, pattern="runners_knee", urgency="self_care", **fields):
    return QualityRow(
        intake_id=intake_id,
        submitted_at=NOW - 30 * DAY,
        rules_version=fields.pop("rules_version", "2026.12.1"),
        pattern=pattern,
        urgency=urgency,
        **fields,
    )


SEEN = {"attendance": "attended"}
HAND_SET = [
    # 1-4: seen under 2026.12.1: 3 agree (1, 2, 4), 1 disagrees (3).
    row(1, diagnosis="runners_knee", plan="self_care", **SEEN),
    row(2, "meniscus_tear", "assessment", diagnosis="meniscus_tear", plan="imaging", **SEEN),
    row(3, diagnosis="it_band_syndrome", plan="physio_course", **SEEN),
    row(4, "meniscus_tear", "assessment", diagnosis="meniscus_tear", plan="imaging", **SEEN),
    # 5: did not attend; 6: seen under the older rules, agreeing.
    row(5, attendance="did_not_attend"),
    row(6, rules_version="2026.6.0", diagnosis="runners_knee", plan="self_care", **SEEN),
    # 7, 8: urgent; 7 judged non-urgent by a clinician (over-triage), 8 not.
    row(7, "unclear", "urgent", clinician_urgency="assessment"),
    row(8, "unclear", "urgent"),
    # 9: urgent 10 days later (under-triage); 10: urgent 20 days later (outside 14 days).
    row(9, follow_up_status="answered", follow_up_answer="worse", later_urgent_at=NOW - 20 * DAY),
    row(10, follow_up_status="answered", follow_up_answer="better", later_urgent_at=NOW - 10 * DAY),
    # 11, 12: follow-ups sent; 11 answered better (patellar), 12 expired.
    row(11, "patellar_tendinitis", follow_up_status="answered", follow_up_answer="better"),
    row(12, "patellar_tendinitis", follow_up_status="expired"),
    # 13: scheduled follow-up, not sent yet: not in the answer rate.
    row(13, follow_up_status="scheduled"),
]


def test_each_quality_figure_on_a_hand_checked_set():
    figures = quality_figures(HAND_SET, patterns=["runners_knee", "meniscus_tear"])
    current, older = figures.by_version  # newest rules first, in release order
    assert current.rules_version == "2026.12.1"
    assert current.matrix.n == 4
    assert current.matrix.cell("runners_knee", "it_band_syndrome") == 1
    assert current.agreement == pytest.approx(3 / 4)
    # Labels rk, mt, itb. Rows (engine) rk 2, mt 2; cols (clinician) rk 1, mt 2, itb 1.
    # pe = (2*1 + 2*2 + 0*1) / 16 = 6/16; kappa = (12/16 - 6/16) / (10/16) = 0.6.
    assert current.kappa.kappa == pytest.approx(0.6)
    assert older.matrix.n == 1 and older.agreement == 1.0 and older.kappa is None
    assert [r.intake_id for r in figures.over_triage] == [7]
    assert (figures.over_triage_rate.numerator, figures.over_triage_rate.denominator) == (1, 2)
    assert [r.intake_id for r in figures.under_triage] == [9]
    assert (figures.under_triage_rate.numerator, figures.under_triage_rate.denominator) == (1, 11)
    # Sent: 9, 10, 11 answered; 12 expired; 13 scheduled is not sent.
    assert (figures.follow_up_answer_rate.numerator, figures.follow_up_answer_rate.denominator) == (
        3,
        4,
    )
    improving = figures.improving_by_pattern
    assert (improving["runners_knee"].numerator, improving["runners_knee"].denominator) == (1, 2)
    assert improving["patellar_tendinitis"].percent == "100%"
    assert improving["meniscus_tear"].percent == "—"  # nobody answered
    assert (figures.no_show_rate.numerator, figures.no_show_rate.denominator) == (1, 6)


def test_the_csv_is_de_identified_and_safe_against_formula_injection():
    hostile = row(99, rules_version='=HYPERLINK("http://x")', plan="+1", diagnosis="@SUM(A1)")
    text = quality_csv([*HAND_SET, hostile])
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["intake_id", "submitted_on", "rules_version"]
    assert not any(word in lines[0] for word in ("name", "email", "phone"))
    last = dict(zip(lines[0], lines[-1], strict=True))
    assert last["rules_version"].startswith("'=")
    assert last["plan"] == "'+1" and last["clinician_diagnosis"] == "'@SUM(A1)"
    for cell in ("-2", "\tx", "\rx"):
        assert csv_safe(cell) == "'" + cell
    assert csv_safe("runners_knee") == "runners_knee"
    for line in lines[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in line)


# --- The page -------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def doctor_clinician(db):
    user = get_user_model().objects.create_user(username="dr.seen", is_staff=True)
    return Clinician.objects.create(user=user, display_name="Dr. Seen")


SLOT_HOURS = itertools.count()


def seen(intake, clinician, *, attendance="attended", diagnosis="", plan="", onward_to=""):
    """A past appointment with its outcome, written directly (the service is tested apart)."""
    starts = intake.submitted_at + 3 * DAY + timedelta(hours=next(SLOT_HOURS))
    slot = Slot.objects.create(clinician=clinician, starts_at=starts, ends_at=starts + DAY / 48)
    status = "completed" if attendance == "attended" else "no_show"
    appointment = Appointment.objects.create(
        slot=slot,
        clinician=clinician,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        patient=intake.patient,
        intake=intake,
        status=status,
    )
    return AppointmentOutcome.objects.create(
        appointment=appointment,
        attendance=attendance,
        diagnosis=diagnosis,
        plan=plan,
        onward_to=onward_to,
    )


def make(n, clinician, *, pattern="runners_knee", urgency="self_care", days_ago=10):
    """n intakes submitted `days_ago`, with the engine's pattern and urgency set as given."""
    made = []
    for index in range(n):
        intake = factories.make_intake(
            patient_overrides={"name": f"Secret Name{index}", "email": f"p{index}@example.com"}
        )
        Intake.objects.filter(pk=intake.pk).update(
            pattern=pattern, urgency=urgency, submitted_at=NOW - days_ago * DAY
        )
        intake.refresh_from_db()
        made.append(intake)
    return made


@pytest.mark.django_db
def test_the_page_shows_each_figure_from_the_database(client, clinician, doctor_clinician, clock):
    [agree] = make(1, doctor_clinician)
    seen(agree, doctor_clinician, diagnosis="runners_knee", plan="self_care")
    [differ] = make(1, doctor_clinician, pattern="meniscus_tear")
    seen(differ, doctor_clinician, diagnosis="osteoarthritis", plan="physio_course")
    [missed] = make(1, doctor_clinician)
    seen(missed, doctor_clinician, attendance="did_not_attend")
    [over] = make(1, doctor_clinician, urgency="urgent")
    TriageOverride.objects.create(
        intake=over, urgency="self_care", reason="Old injury", overridden_by=clinician
    )
    [under] = make(1, doctor_clinician)
    Referral.objects.create(intake=under, reason="urgent", created_at=NOW - 5 * DAY)
    [onward] = make(1, doctor_clinician)
    seen(
        onward, doctor_clinician, diagnosis="onward_urgent", plan="onward_referral", onward_to="ED"
    )
    FollowUp.objects.filter(intake=agree).update(status="answered", answer="better")
    FollowUp.objects.filter(intake=differ).update(status="expired")
    client.force_login(clinician)
    response = client.get("/staff/quality/")
    assert response.status_code == 200
    figures = response.context["figures"]
    [version] = figures.by_version
    assert (version.matrix.n, version.agreement) == (3, pytest.approx(1 / 3))
    assert [r.intake_id for r in figures.over_triage] == [over.pk]
    assert sorted(r.intake_id for r in figures.under_triage) == sorted([under.pk, onward.pk])
    assert figures.no_show_rate.percent == "25%"  # 1 of 4 seen-or-missed
    assert figures.improving_by_pattern["runners_knee"].percent == "100%"
    page = response.content.decode()
    assert f"Intake #{over.pk}" in page and "Secret Name" not in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUALITY_VIEW)
    assert set(event.object_ids) == {over.pk, under.pk, onward.pk}


@pytest.mark.django_db
def test_the_csv_download_has_every_row_and_no_names_or_contacts(
    client, clinician, doctor_clinician, clock
):
    made = make(3, doctor_clinician)
    client.force_login(clinician)
    response = client.get("/staff/quality/rows.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert len(text.strip().splitlines()) == 4
    for intake in made:
        assert str(intake.pk) in text
    assert "Secret" not in text and "@example.com" not in text and "555" not in text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.QUALITY_EXPORT).exists()


@pytest.mark.django_db
def test_the_rules_version_filter_keeps_that_versions_intakes(
    client, clinician, doctor_clinician, clock
):
    old, _new = make(2, doctor_clinician)
    TriageOutcome.objects.filter(intake=old).update(rules_version="2026.6.0")
    client.force_login(clinician)
    response = client.get("/staff/quality/", {"rules_version": "2026.6.0"})
    assert [r.intake_id for r in response.context["figures"].rows] == [old.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ({"date_from": "2026-11-01", "date_to": "2026-10-01"}, {"date_to"}),
        ({"date_from": "2019-12-31"}, {"date_from"}),
        ({"date_to": "2027-01-01"}, {"date_to"}),
        ({"date_from": "2024-01-01", "date_to": "2026-11-30"}, {"date_to"}),
        ({"date_from": "yesterday"}, {"date_from"}),
        ({"rules_version": "1999.1"}, {"rules_version"}),
    ],
)
def test_a_bad_filter_names_each_field(client, clinician, clock, query, bad):
    client.force_login(clinician)
    response = client.get("/staff/quality/", query)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == bad
    assert client.get("/staff/quality/rows.csv", query).status_code == 400


@pytest.mark.django_db
def test_only_clinicians_and_admins_see_the_quality_page(
    client, front_desk, clinician, admin_user, clock
):
    client.force_login(front_desk)
    assert client.get("/staff/quality/").status_code == 403
    assert client.get("/staff/quality/rows.csv").status_code == 403
    client.force_login(admin_user)
    assert client.get("/staff/quality/").status_code == 200


@pytest.mark.django_db
def test_a_page_view_right_after_a_write_shows_the_new_figure(
    client, clinician, doctor_clinician, clock
):
    [first, second] = make(2, doctor_clinician, urgency="urgent")
    client.force_login(clinician)
    figures = client.get("/staff/quality/").context["figures"]
    assert figures.over_triage == []
    TriageOverride.objects.create(
        intake=first, urgency="self_care", reason="Old injury", overridden_by=clinician
    )
    figures = client.get("/staff/quality/").context["figures"]
    assert [r.intake_id for r in figures.over_triage] == [first.pk]
    seen(second, doctor_clinician, diagnosis="runners_knee", plan="self_care")
    figures = client.get("/staff/quality/").context["figures"]
    assert sorted(r.intake_id for r in figures.over_triage) == sorted([first.pk, second.pk])


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_few_and_many_intakes(
    client, clinician, doctor_clinician, clock, django_assert_num_queries
):
    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/staff/quality/").status_code == 200
            assert client.get("/staff/quality/rows.csv").status_code == 200
        return len(captured.captured_queries)

    client.force_login(clinician)
    for intake in make(2, doctor_clinician):
        seen(intake, doctor_clinician, diagnosis="runners_knee", plan="self_care")
    client.get("/staff/quality/")  # warm the session and permission caches alike
    few = queries_for_page()
    for intake in make(8, doctor_clinician, urgency="urgent"):
        seen(intake, doctor_clinician, diagnosis="meniscus_tear", plan="imaging")
    with django_assert_num_queries(few):
        client.get("/staff/quality/")
        client.get("/staff/quality/rows.csv")


# --- Counting in the database gives the same figures as reading every row -----------------


def test_counted_tallies_give_the_same_figures_as_the_rows():
    from dashboard.quality import tallies_from_rows, tally_figures

    patterns = ["runners_knee", "meniscus_tear"]
    by_rows = quality_figures(HAND_SET, patterns=patterns)
    by_counts = tally_figures(tallies_from_rows(HAND_SET), patterns=patterns)
    assert [(v.rules_version, v.matrix.counts, v.kappa) for v in by_counts.by_version] == [
        (v.rules_version, v.matrix.counts, v.kappa) for v in by_rows.by_version
    ]
    for name in ("over_triage_rate", "under_triage_rate", "follow_up_answer_rate", "no_show_rate"):
        assert getattr(by_counts, name) == getattr(by_rows, name)
    assert by_counts.improving_by_pattern == by_rows.improving_by_pattern
    assert by_counts.over_triage == [] and by_counts.under_triage == []  # listed only if given


@pytest.mark.django_db
def test_the_pages_database_counts_match_the_row_by_row_figures(
    client, clinician, doctor_clinician, clock
):
    from dashboard.quality_forms import default_range
    from dashboard.selectors.quality import quality_rows
    from dashboard.views.quality import PATTERNS

    agree, differ, missed = make(3, doctor_clinician)
    seen(agree, doctor_clinician, diagnosis="runners_knee", plan="self_care")
    seen(differ, doctor_clinician, diagnosis="osteoarthritis", plan="physio_course")
    seen(missed, doctor_clinician, attendance="did_not_attend")
    urgent_seen, urgent_marked = make(2, doctor_clinician, urgency="urgent", days_ago=20)
    seen(urgent_seen, doctor_clinician, diagnosis="meniscus_tear", plan="imaging")
    TriageOverride.objects.create(
        intake=urgent_marked, urgency="assessment", reason="Old injury", overridden_by=clinician
    )
    soon, late, before = make(3, doctor_clinician, days_ago=40)
    Referral.objects.create(intake=soon, reason="urgent", created_at=NOW - 30 * DAY)
    Referral.objects.create(intake=late, reason="urgent", created_at=NOW - 20 * DAY)
    Referral.objects.create(intake=before, reason="urgent", created_at=NOW - 41 * DAY)
    TriageOverride.objects.create(
        intake=late, urgency="urgent", reason="Worse", overridden_by=clinician
    )  # today: 40 days on, outside the window
    FollowUp.objects.filter(intake=agree).update(status="answered", answer="better")
    FollowUp.objects.filter(intake=differ).update(status="answered", answer="worse")
    FollowUp.objects.filter(intake=missed).update(status="reminded")
    start, end = default_range()
    expected = quality_figures(quality_rows(date_from=start, date_to=end), patterns=PATTERNS)
    client.force_login(clinician)
    figures = client.get("/staff/quality/").context["figures"]
    assert [(v.rules_version, v.matrix.counts) for v in figures.by_version] == [
        (v.rules_version, v.matrix.counts) for v in expected.by_version
    ]
    for name in ("over_triage_rate", "under_triage_rate", "follow_up_answer_rate", "no_show_rate"):
        assert getattr(figures, name) == getattr(expected, name), name
    assert figures.improving_by_pattern == expected.improving_by_pattern
    assert figures.over_triage == expected.over_triage
    assert figures.under_triage == expected.under_triage
    assert [r.intake_id for r in figures.under_triage] == [soon.pk]
    assert {r.intake_id for r in figures.over_triage} == {urgent_seen.pk, urgent_marked.pk}


@pytest.mark.django_db
def test_the_listed_cases_are_capped_and_say_how_many_there_are(
    client, clinician, doctor_clinician, clock, monkeypatch
):
    from dashboard.views import quality as quality_views

    monkeypatch.setattr(quality_views, "CASES_SHOWN", 2)
    over = make(3, doctor_clinician, urgency="urgent")
    for intake in over:
        TriageOverride.objects.create(
            intake=intake, urgency="self_care", reason="Old injury", overridden_by=clinician
        )
    client.force_login(clinician)
    response = client.get("/staff/quality/")
    figures = response.context["figures"]
    assert figures.over_triage_rate.numerator == 3
    assert [r.intake_id for r in figures.over_triage] == [over[0].pk, over[1].pk]
    page = response.content.decode()
    assert "Showing the first 2 of 3 cases" in page
    assert "under-triage-shown" not in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUALITY_VIEW)
    assert set(event.object_ids) == {over[0].pk, over[1].pk}  # the cases shown, as before
