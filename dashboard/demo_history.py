"""A few weeks of demo history for `make run`, so /staff/quality/ has something to show.

Forty-two intakes over the last six weeks (dashboard.bulk's mix of patterns and urgency),
follow-up answers, past appointments with recorded outcomes (mostly agreeing with the
engine, some not, a few no-shows), one urgent intake a clinician judged non-urgent and one
routine intake that turned urgent. Written directly, like the bulk rows: no messages go
out. Idempotent: it runs once (it looks for its own patients' email domain).
"""

from datetime import timedelta
from io import TextIOBase

from django.db import transaction
from django.utils import timezone

from dashboard.bulk import intakes_bulk_create
from dashboard.models import TriageOverride
from intake.models import FollowUp, Intake, Patient, Referral, Urgency
from referrals.models import Appointment, AppointmentOutcome, Clinician, Slot

DEMO_DOMAIN = "history.demo.example"
INTAKES = 42
PLANS = ("self_care", "physio_course", "imaging", "self_care", "discharged")
# The clinician's working diagnosis when it differs from the engine's pattern.
SECOND_LOOK = {
    "runners_knee": "patellar_tendinitis",
    "patellar_tendinitis": "runners_knee",
    "it_band_syndrome": "runners_knee",
    "meniscus_tear": "osteoarthritis",
    "osteoarthritis": "meniscus_tear",
    "unclear": "other",
}


# Long on purpose: one demo story seeded row by row, read top to bottom.
@transaction.atomic
def seed_history(stdout: TextIOBase) -> None:
    if Patient.objects.filter(email__endswith="@" + DEMO_DOMAIN).exists():
        stdout.write("Demo history: already there.\n")
        return
    clinician = Clinician.objects.order_by("pk").first()
    if clinician is None:
        stdout.write("Demo history: no clinician yet, skipped.\n")
        return
    now = timezone.now()
    intakes = intakes_bulk_create(INTAKES, now=now - timedelta(days=8))
    for index, intake in enumerate(intakes):
        # Spread over six weeks (bulk rows are minutes apart), and mark them as the demo's.
        submitted = now - timedelta(days=8 + index, hours=index % 5)
        Intake.objects.filter(pk=intake.pk).update(submitted_at=submitted)
        Patient.objects.filter(pk=intake.patient_id).update(
            name=f"Demo Runner {index}", email=f"runner{index}@{DEMO_DOMAIN}"
        )
        intake.submitted_at = submitted
    FollowUp.objects.filter(intake__in=intakes, status="scheduled").update(status="expired")
    seen = [i for i in intakes if i.urgency != Urgency.URGENT][:24]
    for index, intake in enumerate(seen):
        starts = intake.submitted_at + timedelta(days=4, hours=index % 6)
        starts = starts.replace(minute=0, second=0, microsecond=0)
        slot = Slot.objects.create(
            clinician=clinician, starts_at=starts, ends_at=starts + timedelta(minutes=30)
        )
        missed = index % 8 == 5
        appointment = Appointment.objects.create(
            slot=slot,
            clinician=clinician,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            patient_id=intake.patient_id,
            intake=intake,
            status="no_show" if missed else "completed",
            created_at=intake.submitted_at,
        )
        Referral.objects.get_or_create(intake=intake, reason="second_opinion")
        if missed:
            AppointmentOutcome.objects.create(
                appointment=appointment, attendance="did_not_attend", recorded_at=starts
            )
            continue
        diagnosis = intake.pattern if index % 4 else SECOND_LOOK[intake.pattern]
        if diagnosis == "unclear":
            diagnosis = "other"
        AppointmentOutcome.objects.create(
            appointment=appointment,
            attendance="attended",
            diagnosis=diagnosis,
            diagnosis_other="Plica syndrome" if diagnosis == "other" else "",
            plan=PLANS[index % len(PLANS)],
            recorded_at=starts + timedelta(minutes=30),
        )
    urgent = [i for i in intakes if i.urgency == Urgency.URGENT]
    staff = clinician.user
    if urgent:
        TriageOverride.objects.create(
            intake=urgent[0],
            urgency="assessment",
            reason="Demo: swelling explained by a known old injury.",
            overridden_by=staff,
        )
    routine = [i for i in intakes if i.urgency != Urgency.URGENT][-1]
    Referral.objects.get_or_create(
        intake=routine,
        reason="urgent",
        defaults={"created_at": routine.submitted_at + timedelta(days=7)},
    )
    stdout.write(f"Demo history: {INTAKES} intakes over six weeks, {len(seen)} appointments.\n")
