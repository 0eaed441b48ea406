"""The triage quality summary tables (kept by PostgreSQL triggers and the drain) always equal
a recount from scratch once drained: after any sequence of writes to the tables the figures
read, including bulk inserts, queryset updates that bypass signals, and deletes. The write
path only notes which intakes changed; the drain, before every read, recounts them."""

import itertools
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dashboard.bulk import intakes_bulk_create
from dashboard.models import QualityCount, QualityDirty, QualityFact, TriageOverride
from dashboard.quality import tallies_from_rows
from dashboard.quality_services import quality_summary_drain
from dashboard.selectors.quality import quality_rows, quality_tallies, rules_versions
from intake.models import FollowUp, Intake, Referral, TriageOutcome
from referrals.models import Appointment, AppointmentOutcome, Clinician, Slot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the summary is kept by PostgreSQL triggers"
    ),
]

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
EVERYTHING = {"date_from": date(2020, 1, 1), "date_to": date(2027, 12, 31)}
CODES = (
    "rules_version",
    "pattern",
    "urgency",
    "diagnosis",
    "attendance",
    "follow_up_status",
    "follow_up_answer",
    "clinician_urgency",
    "under_triage",
)
SLOTS = itertools.count()


def recount() -> tuple[Counter, dict[int, tuple[bool, bool]]]:
    """From scratch, row by row (the CSV's reading): intakes per (UTC day, codes), and each
    intake's over- and under-triage."""
    rows = quality_rows(**EVERYTHING)
    counts = Counter(
        (row.submitted_at.astimezone(UTC).date(), *(getattr(row, code) for code in CODES))
        for row in rows
    )
    return counts, {row.intake_id: (row.over_triage, row.under_triage) for row in rows}


def summary() -> tuple[Counter, dict[int, tuple[bool, bool]]]:
    counts: Counter = Counter()
    for kept in QualityCount.objects.filter(count__gt=0):
        codes = [getattr(kept, c) for c in CODES[:-1]]
        counts[(kept.day, *codes, kept.urgent_soon)] += kept.count
    assert not QualityCount.objects.filter(count__lt=0).exists()
    facts = {f.intake_id: (f.over_triage, f.under_triage) for f in QualityFact.objects.all()}
    return counts, facts


def assert_summary_is_a_recount() -> None:
    quality_summary_drain()  # as every reader of the summary does first
    assert not QualityDirty.objects.exists()
    assert summary() == recount()
    rows = quality_rows(**EVERYTHING)
    assert sorted(quality_tallies(**EVERYTHING), key=repr) == sorted(
        tallies_from_rows(rows), key=repr
    )
    versions = {row.rules_version for row in rows if row.rules_version}
    assert set(rules_versions()) == versions


def pick(model, index: int):
    """The index-th row of a table (modulo its size), or None when it is empty."""
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
    return ids[index % len(ids)] if ids else None


def seen(intake_id: int, clinician: Clinician, hours: int, attendance: str, diagnosis: str):
    intake = Intake.objects.get(pk=intake_id)
    starts = NOW + timedelta(days=500) + next(SLOTS) * HOUR  # one clinician: never overlapping
    slot = Slot.objects.create(clinician=clinician, starts_at=starts, ends_at=starts + HOUR / 2)
    appointment = Appointment.objects.create(
        slot=slot,
        clinician=clinician,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        patient=intake.patient,
        intake=intake,
        # A second visit for one intake cannot hold the free second opinion too.
        status="completed"
        if attendance == "attended" and not intake.appointments.exists()
        else "no_show",
    )
    attended = attendance == "attended"
    AppointmentOutcome.objects.create(
        appointment=appointment,
        attendance=attendance,
        diagnosis=diagnosis if attended else "",
        plan="self_care" if attended else "",
        recorded_at=intake.submitted_at + hours * HOUR,
    )


# Long on purpose: one write per kind of step, each a line or two, read as a table.
def apply(step: tuple, clinician: Clinician, user) -> None:
    kind, index, hours, choice = step
    intake_id = pick(Intake, index)
    if kind == "bulk":
        intakes_bulk_create(1 + index % 4, now=NOW - hours * HOUR)
    elif intake_id is None:
        return
    elif kind == "intake":
        Intake.objects.filter(pk=intake_id).update(
            urgency=("urgent", "assessment", "self_care")[choice % 3],
            pattern=("runners_knee", "meniscus_tear", "unclear")[choice % 3],
            submitted_at=NOW - hours * HOUR,
        )
    elif kind == "version":
        TriageOutcome.objects.filter(intake_id=intake_id).update(
            rules_version=("2026.6.0", "2026.12.1")[choice % 2]
        )
    elif kind == "no_outcome":
        TriageOutcome.objects.filter(intake_id=intake_id).delete()
    elif kind == "follow_up":
        status, answer = (("sent", ""), ("answered", "better"), ("answered", "worse"))[choice % 3]
        FollowUp.objects.filter(intake_id=intake_id).update(status=status, answer=answer)
    elif kind == "referral":
        submitted = Intake.objects.get(pk=intake_id).submitted_at
        Referral.objects.update_or_create(
            intake_id=intake_id,
            reason="urgent",
            defaults={"created_at": submitted + (hours - 24) * HOUR},
        )
    elif kind == "no_referral":
        Referral.objects.filter(pk=pick(Referral, index)).delete()
    elif kind == "override":
        urgency = ("urgent", "assessment", "self_care", "")[choice % 4]
        TriageOverride.objects.create(
            intake_id=intake_id,
            urgency=urgency,
            pattern="" if urgency else "meniscus_tear",
            reason="Seen again",
            overridden_by=user,
            created_at=NOW + hours * HOUR,
        )
    elif kind == "seen":
        attendance = ("attended", "did_not_attend")[choice % 2]
        diagnosis = ("runners_knee", "onward_urgent", "meniscus_tear")[choice % 3]
        seen(intake_id, clinician, hours, attendance, diagnosis)
    elif kind == "rediagnose":
        AppointmentOutcome.objects.filter(pk=pick(AppointmentOutcome, index)).update(
            attendance="attended", diagnosis="onward_urgent", plan="onward_referral", onward_to="ED"
        )
    elif kind == "unbook":
        Appointment.objects.filter(pk=pick(Appointment, index)).delete()
    elif kind == "delete":
        Intake.objects.get(pk=intake_id).delete()


KINDS = (
    "bulk",
    "intake",
    "version",
    "no_outcome",
    "follow_up",
    "referral",
    "no_referral",
    "override",
    "seen",
    "rediagnose",
    "unbook",
    "delete",
)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 50),
        st.integers(0, 24 * 40),  # hours: across days, and either side of the 14-day window
        st.integers(0, 11),
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture
def cast(db):
    user = get_user_model().objects.create_user(username="dr.summary", is_staff=True)
    return Clinician.objects.create(user=user, display_name="Dr. Summary"), user


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    # No shrinking: each example is a few dozen writes, and a failing one prints its steps.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_the_summary_equals_a_recount_after_any_writes(cast, steps):
    clinician, user = cast
    with transaction.atomic():
        intakes_bulk_create(6, now=NOW)
        assert_summary_is_a_recount()
        for step in steps:
            apply(step, clinician, user)
        assert_summary_is_a_recount()
        transaction.set_rollback(True)  # each example starts from the same six intakes


def test_a_range_with_clinic_midnights_counts_whole_utc_days_and_the_part_days_at_its_ends(
    cast,
):
    # One intake an hour for four days: the clinic's day (New York) starts at 05:00 UTC.
    intakes_bulk_create(96, now=NOW)
    for number, intake_id in enumerate(Intake.objects.order_by("pk").values_list("pk", flat=True)):
        Intake.objects.filter(pk=intake_id).update(submitted_at=NOW - number * HOUR)
    rows_of = {"date_from": date(2026, 11, 17), "date_to": date(2026, 11, 19)}
    rows = quality_rows(**rows_of)
    assert 0 < len(rows) < 96
    quality_summary_drain()
    assert sum(t.count for t in quality_tallies(**rows_of)) == len(rows)
    assert sorted(quality_tallies(**rows_of), key=repr) == sorted(tallies_from_rows(rows), key=repr)
    assert_summary_is_a_recount()


def test_a_bulk_insert_is_summarised_by_one_drain_and_a_delete_takes_its_counts_away(cast):
    made = intakes_bulk_create(20, now=NOW)
    assert quality_summary_drain() == 20
    assert QualityFact.objects.count() == 20
    assert sum(QualityCount.objects.values_list("count", flat=True)) == 20
    Intake.objects.filter(pk=made[0].pk).get().delete()
    assert quality_summary_drain() == 1
    assert QualityFact.objects.count() == 19
    assert sum(QualityCount.objects.values_list("count", flat=True)) == 19
    assert_summary_is_a_recount()


def test_a_write_only_notes_its_intake_and_recounts_nothing_until_a_drain(cast):
    made = intakes_bulk_create(3, now=NOW)
    quality_summary_drain()
    facts = {f.intake_id: f.follow_up_answer for f in QualityFact.objects.all()}
    counts = list(QualityCount.objects.order_by("pk").values_list("pk", "count"))
    FollowUp.objects.filter(intake=made[1]).update(status="answered", answer="worse")
    # The write path left a note for that intake, and the summary as it was.
    assert list(QualityDirty.objects.values_list("intake_id", flat=True)) == [made[1].pk]
    assert {f.intake_id: f.follow_up_answer for f in QualityFact.objects.all()} == facts
    assert list(QualityCount.objects.order_by("pk").values_list("pk", "count")) == counts
    assert quality_summary_drain() == 1
    assert QualityFact.objects.get(intake_id=made[1].pk).follow_up_answer == "worse"
    assert not QualityDirty.objects.exists()
    assert quality_summary_drain() == 0
    assert_summary_is_a_recount()


def test_an_update_that_changes_nothing_the_figures_read_leaves_no_note(cast):
    made = intakes_bulk_create(2, now=NOW)
    quality_summary_drain()
    Intake.objects.filter(pk=made[0].pk).update(urgency=made[0].urgency)
    assert not QualityDirty.objects.exists()


def test_the_beat_drains_the_summary_every_minute(settings, cast):
    from dashboard.tasks import quality_summary_drain as task

    entry = settings.CELERY_BEAT_SCHEDULE["quality-summary-drain"]
    assert entry["task"] == task.name == "dashboard.quality_summary_drain"
    assert entry["schedule"] == timedelta(minutes=1)
    intakes_bulk_create(2, now=NOW)
    assert task.apply().get() == 2
    assert not QualityDirty.objects.exists()
    assert_summary_is_a_recount()


def _in_a_thread(work) -> threading.Thread:
    """`work` on its own database connection (as another request would be), started."""

    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_neither_count_an_intake_twice_nor_lose_one():
    made = intakes_bulk_create(5, now=NOW)
    drained: dict[str, int] = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT stride_quality_drain()")
            drained["first"] = cursor.fetchone()[0]
        # A write commits while the first drain is still open: its note is not the first's.
        writer = _in_a_thread(
            lambda: FollowUp.objects.filter(intake=made[2]).update(status="expired")
        )
        writer.join(10)
        second = _in_a_thread(lambda: drained.update(second=quality_summary_drain()))
        time.sleep(0.5)
        assert second.is_alive()  # waits for the first drain to commit
    second.join(10)
    assert drained == {"first": 5, "second": 1}
    assert QualityFact.objects.get(intake_id=made[2].pk).follow_up_status == "expired"
    assert_summary_is_a_recount()
