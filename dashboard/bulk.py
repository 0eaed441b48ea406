"""Synthetic intakes in bulk, for the query-count tests and the benchmark (never used by pages).

Rows are written with bulk_create in a few statements, so 10,000 intakes take seconds. The mix
grows with n: urgent ones, not-improving referrals, answered follow-ups, failed messages and
overrides all scale, so a fixed query count is proved with every block of the page filled.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinic.messaging.models import Message
from intake import triage
from intake.models import FollowUp, Intake, Patient, Referral, TriageOutcome, Urgency

PATTERNS = (
    "runners_knee",
    "patellar_tendinitis",
    "it_band_syndrome",
    "meniscus_tear",
    "osteoarthritis",
    "unclear",
)
STATUSES = ("new", "new", "new", "acknowledged", "contacted", "closed")


def _answers(i: int, urgent: bool) -> dict:
    return {
        "knee": "left" if i % 2 else "right",
        "pain_locations": ["under_kneecap"],
        "pain_triggers": ["running", "stairs"],
        "run_onset": "after_long_run",
        "eases_when_stopping": False,
        "injury_event": "none_gradual",
        "symptoms": [],
        "pain_now": i % 11,
        "pain_worst_week": 5,
        "duration_days": i % 30,
        "age": 20 + i % 50,
        "weekly_km": 30,
        "recent_increase": False,
        "shoe_km": 300,
        "running_specific_shoes": True,
        "surfaces": ["road"],
        "foot_rolls_inward": "no",
        "cadence_spm": 175,
        "red_flags": ["calf_swelling_pain"] if urgent else [],
    }


# Long on purpose: one bulk_create per table in foreign-key order, read top to bottom.
@transaction.atomic
def intakes_bulk_create(n: int, *, now: datetime | None = None) -> list[Intake]:
    """Create n intakes with outcomes, follow-ups, referrals and messages. About 8 queries."""
    now = now or timezone.now()
    patients = Patient.objects.bulk_create(
        Patient(
            name=f"Bulk Patient {i}",
            email=f"bulk{i}@example.com",
            phone=f"+1202555{i % 10000:04d}",
            channel="email",
            timezone="Europe/London",
            consent_follow_up=True,
            created_at=now,
        )
        for i in range(n)
    )
    intakes = []
    for i, patient in enumerate(patients):
        urgent = i % 10 == 0
        urgency = (
            Urgency.URGENT if urgent else (Urgency.ASSESSMENT if i % 3 == 0 else Urgency.SELF_CARE)
        )
        answers = _answers(i, urgent)
        intakes.append(
            Intake(
                patient=patient,
                answers=answers,
                **Intake.answer_columns(answers),
                urgency=urgency,
                pattern=PATTERNS[i % len(PATTERNS)],
                status=STATUSES[i % len(STATUSES)],
                submitted_at=now - timedelta(minutes=7 * i),
            )
        )
    intakes = Intake.objects.bulk_create(intakes)
    TriageOutcome.objects.bulk_create(
        TriageOutcome(
            intake=intake,
            pattern=intake.pattern,
            secondary_patterns=["osteoarthritis"] if intake.pattern == "runners_knee" else [],
            urgency=intake.urgency,
            red_flags=intake.answers["red_flags"],
            advice=["monitor_pain"],
            factors=[],
            matched_signs={intake.pattern: ["trigger_running"]},
            scores={intake.pattern: 3},
            rules_version=triage.RULES_VERSION,
            created_at=intake.submitted_at,
        )
        for intake in intakes
    )
    follow_up_answers = ("better", "same", "worse")
    FollowUp.objects.bulk_create(
        FollowUp(
            intake=intake,
            channel="email",
            due_at=intake.submitted_at + settings.FOLLOW_UP_DELAY,
            status="answered" if i % 2 else "scheduled",
            answer=follow_up_answers[i % 3] if i % 2 else "",
            pain_now=max((intake.pain_now or 0) - 2, 0) if i % 2 else None,
            answered_at=now if i % 2 else None,
        )
        for i, intake in enumerate(intakes)
        if intake.urgency != Urgency.URGENT
    )
    Referral.objects.bulk_create(
        [
            Referral(intake=intake, reason=Referral.Reason.URGENT)
            for intake in intakes
            if intake.urgency == Urgency.URGENT
        ]
        + [
            Referral(intake=intake, reason=Referral.Reason.NOT_IMPROVING, created_at=now)
            for i, intake in enumerate(intakes)
            if i % 7 == 3
        ]
    )
    Message.objects.bulk_create(
        Message(
            channel="email",
            template="follow_up",
            purpose="follow_up",
            idempotency_key=f"bulk-{intake.pk}",
            recipient=intake.patient.email,
            about=f"intake:{intake.pk}",
            body_text="How is your knee?",
            status="failed" if i % 5 == 0 else "sent",
            attempts=3 if i % 5 == 0 else 1,
            error="SMTPServerDisconnected" if i % 5 == 0 else "",
        )
        for i, intake in enumerate(intakes)
    )
    return intakes
