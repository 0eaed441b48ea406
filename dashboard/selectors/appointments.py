"""The dashboard's reads about booking (Clinician, Slot, Appointment in the referrals app):
today's appointments, an intake's appointments, and bookings that followed an invitation.
"""

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from clinic import locales
from clinic.zones import clinic_zone, clinic_zone_name, local_day_bounds
from intake.models import Intake, Referral, Urgency
from referrals.models import Appointment


def appointments_today() -> list[dict[str, Any]]:
    """Today's booked appointments (clinic time zone) grouped per clinician. One query."""
    zone = clinic_zone()
    start, end = local_day_bounds(at=timezone.now(), zone=clinic_zone_name())
    rows = (
        Appointment.objects.filter(
            status=Appointment.Status.BOOKED, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("clinician", "patient")
        .order_by("clinician__display_name", "starts_at")
    )
    groups: dict[int, dict[str, Any]] = {}
    for row in rows:
        group = groups.setdefault(
            row.clinician_id, {"clinician": row.clinician.display_name, "appointments": []}
        )
        local = row.starts_at.astimezone(zone)
        group["appointments"].append(
            f"{locales.time_text(local)} {row.patient.name} (intake #{row.intake_id})"
        )
    return list(groups.values())


def appointments_for_intake(intake: Intake) -> list[Any]:
    """The intake's appointments, newest first, as lines for the staff page. One query."""
    zone = clinic_zone()
    rows = (
        Appointment.objects.filter(intake=intake).select_related("clinician").order_by("-starts_at")
    )
    return [
        f"{locales.date_text(row.starts_at.astimezone(zone), 'WEEKDAY_DATETIME_FORMAT')} with "
        f"{row.clinician.display_name}: {row.get_status_display()}"
        for row in rows
    ]


def booking_on_behalf_url(intake: Intake) -> str | None:
    """Staff book through their own page (dashboard/views/front_desk.py), never the patient's link.

    None for an urgent intake: urgent cases get same-day care, not an appointment.
    """
    if intake.urgency == Urgency.URGENT:
        return None
    return reverse("dashboard:intake_book", args=[intake.pk])


def bookings_from_invitations() -> dict[str, int]:
    """Per pattern, active or past bookings of intakes invited after a not-improving answer."""
    rows = (
        Appointment.objects.filter(intake__referrals__reason=Referral.Reason.NOT_IMPROVING)
        .exclude(status=Appointment.Status.CANCELLED)
        .values("intake__pattern")
        .annotate(n=Count("id", distinct=True))
    )
    return {row["intake__pattern"]: row["n"] for row in rows}
