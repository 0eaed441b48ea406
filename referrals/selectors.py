"""Reads for booking: open slots, a patient's appointment, its links and its calendar file."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import icalendar
from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clinic.links import BadLink, link_token_make, link_token_open
from clinic.zones import clinic_zone, zone_of
from intake.links import booking_path
from intake.models import Intake
from intake.selectors import intake_get_by_token
from referrals.errors import AppointmentNotFound
from referrals.models import (
    ACTIVE_APPOINTMENT,
    HOLDS_SECOND_OPINION,
    Appointment,
    Clinician,
    Slot,
)

APPOINTMENT_LINK_PURPOSE = "appointment"
PAGE_DAYS = 14  # the booking page shows two weeks; the API and generation go to the horizon


def iso(value: datetime) -> str:
    """ISO 8601 with the clinic's offset, exactly as DRF's DateTimeField writes it."""
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# --- Slots ----------------------------------------------------------------------------------


def slot_open_queryset(*, now: datetime | None = None) -> QuerySet[Slot]:
    """Slots a patient may book now: offered, active clinician, inside notice and horizon,
    and not held by an active appointment."""
    now = now or timezone.now()
    held = Appointment.objects.filter(ACTIVE_APPOINTMENT, slot=OuterRef("pk"))
    return (
        Slot.objects.filter(
            offered=True,
            clinician__active=True,
            starts_at__gte=now + settings.BOOKING_MIN_NOTICE,
            starts_at__lt=now + timedelta(days=settings.BOOKING_HORIZON_DAYS),
        )
        .filter(~Exists(held))
        .select_related("clinician")
        .order_by("starts_at", "clinician_id", "pk")
    )


def slot_list_open(
    *,
    clinician_id: int | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    now: datetime | None = None,
) -> QuerySet[Slot]:
    slots = slot_open_queryset(now=now)
    if clinician_id is not None:
        slots = slots.filter(clinician_id=clinician_id)
    if starts_from is not None:
        slots = slots.filter(starts_at__gte=starts_from)
    if starts_before is not None:
        slots = slots.filter(starts_at__lt=starts_before)
    return slots


def slot_alternatives(*, slot: Slot, now: datetime | None = None, limit: int = 3) -> list[Slot]:
    """The open slots nearest to one that was taken: the next ones after it, then before."""
    open_slots = slot_open_queryset(now=now).exclude(pk=slot.pk)
    after = list(open_slots.filter(starts_at__gte=slot.starts_at)[:limit])
    if len(after) < limit:
        before = open_slots.filter(starts_at__lt=slot.starts_at).order_by("-starts_at")
        after += list(before[: limit - len(after)])
    return sorted(after, key=lambda s: (s.starts_at, s.clinician_id))


def clinician_public(clinician: Clinician) -> dict[str, Any]:
    return {"id": clinician.pk, "name": clinician.display_name, "title": clinician.title}


def slot_public(slot: Slot) -> dict[str, Any]:
    return {
        "id": slot.pk,
        "clinician": clinician_public(slot.clinician),
        "starts_at": iso(slot.starts_at),
        "ends_at": iso(slot.ends_at),
    }


@dataclass
class SlotChoice:
    id: int
    time: str


@dataclass
class DayChoices:
    label: str
    slots: list[SlotChoice] = field(default_factory=list)


@dataclass
class ClinicianChoices:
    clinician: Clinician
    days: list[DayChoices] = field(default_factory=list)


def booking_choices(
    *, zone_name: str, now: datetime | None = None, days: int = PAGE_DAYS
) -> dict[str, Any]:
    """The booking page: each clinician's open slots for the next `days`, grouped by the
    patient's local day and shown in the patient's zone."""
    now = now or timezone.now()
    zone = zone_of(zone_name)
    slots = slot_list_open(now=now, starts_before=now + timedelta(days=days))
    by_clinician: dict[int, ClinicianChoices] = {}
    for clinician in Clinician.objects.filter(active=True):
        by_clinician[clinician.pk] = ClinicianChoices(clinician=clinician)
    day_of: dict[tuple[int, date], DayChoices] = {}
    for slot in slots:
        local = slot.starts_at.astimezone(zone)
        key = (slot.clinician_id, local.date())
        if key not in day_of:
            day_of[key] = DayChoices(label=local_day(local))
            by_clinician[slot.clinician_id].days.append(day_of[key])
        day_of[key].slots.append(SlotChoice(id=slot.pk, time=local_time(local)))
    return {
        "zone": zone.key,
        "zone_abbr": now.astimezone(zone).tzname(),
        "clinicians": list(by_clinician.values()),
        "slot_count": sum(len(d.slots) for d in day_of.values()),
    }


# How the active language writes a day and a clock time (Django date format characters);
# English's 12-hour clock is spelled out by hand ("9:00 am", not Django's "9 a.m.").
TWELVE_HOUR = "12-hour"


def local_day(value: datetime) -> str:
    """`Tuesday 1 December` (`martes 1 de diciembre`) in the active language."""
    return dateformat.format(value, pgettext("weekday, day and month", "l j F"))


def local_time(value: datetime) -> str:
    clock = pgettext("clock time: 12-hour, or a Django time format", "12-hour")
    if clock != TWELVE_HOUR:
        return dateformat.time_format(value, clock)
    hour = value.hour % 12 or 12
    return f"{hour}:{value:%M} {'am' if value.hour < 12 else 'pm'}"


def when_text(value: datetime, zone_name: str) -> str:
    """`Tuesday 1 December 2026, 9:00 am (Europe/London time)`: the patient's own clock, in
    the active language (messages override it with the patient's)."""
    zone = zone_of(zone_name)
    local = value.astimezone(zone)
    return _("%(day)s %(year)s, %(time)s (%(zone)s time)") % {
        "day": local_day(local),
        "year": local.year,
        "time": local_time(local),
        "zone": zone.key,
    }


# --- Appointments ---------------------------------------------------------------------------


AppointmentState = str  # "booked", "awaiting_outcome", "attended", "did_not_attend", "cancelled"
APPOINTMENT_STATE_LABELS = {
    "booked": "Booked",
    "awaiting_outcome": "Awaiting outcome",
    "attended": "Attended",
    "did_not_attend": "Did not attend",
    "cancelled": "Cancelled",
}


def appointment_state(appointment: Appointment, *, now: datetime | None = None) -> AppointmentState:
    """The one answer to "where is this appointment?": the pages, messages, the API and the
    services all ask it.

    `booked` while it is still ahead (it can move or be cancelled); `awaiting_outcome` once it
    has begun and nobody has recorded what happened; `attended` or `did_not_attend` from the
    recorded outcome (referrals.outcomes); `cancelled`.
    """
    if appointment.status == Appointment.Status.CANCELLED:
        return "cancelled"
    if appointment.status == Appointment.Status.COMPLETED:
        return "attended"
    if appointment.status == Appointment.Status.NO_SHOW:
        return "did_not_attend"
    if appointment.starts_at > (now or timezone.now()):
        return "booked"
    return "awaiting_outcome"


def appointment_changeable(appointment: Appointment, *, now: datetime | None = None) -> bool:
    return appointment_state(appointment, now=now) == "booked"


def appointment_token(appointment: Appointment, *, issued_at: int | None = None) -> str:
    """An appointment-only link (its pages and .ics; never the intake, the booking or the
    API); `issued_at` when made from a link the patient already holds."""
    return link_token_make(
        purpose=APPOINTMENT_LINK_PURPOSE, object_id=appointment.pk, issued_at=issued_at
    )


def appointment_open_by_token(token: str) -> tuple[Appointment, int]:
    """The appointment a link opens (whatever its status now) and when the link was first
    issued, or BadLink / ExpiredLink."""
    appointment_id, issued_at = link_token_open(purpose=APPOINTMENT_LINK_PURPOSE, token=token)
    appointment = (
        Appointment.objects.select_related("slot", "clinician", "patient", "intake")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise BadLink
    return appointment, issued_at


def appointment_get_by_token(token: str) -> Appointment:
    """The appointment a link opens (whatever its status now), or BadLink / ExpiredLink."""
    return appointment_open_by_token(token)[0]


def appointment_active_for_intake(intake: Intake) -> Appointment | None:
    return (
        Appointment.objects.filter(HOLDS_SECOND_OPINION, intake=intake)
        .select_related("clinician")
        .first()
    )


def appointment_for_intake(*, intake: Intake, appointment_id: int) -> Appointment | None:
    """One of the token holder's own appointments, or None: another's id opens nothing."""
    return (
        Appointment.objects.select_related("slot", "clinician", "patient", "intake")
        .filter(pk=appointment_id, intake=intake)
        .first()
    )


def appointment_get_for_token_holder(*, token: str, appointment_id: int) -> Appointment:
    """The appointment `appointment_id` if the intake token's holder booked it, or
    BadLink / ExpiredLink for the token, or AppointmentNotFound (another's id opens nothing)."""
    appointment = appointment_for_intake(
        intake=intake_get_by_token(token), appointment_id=appointment_id
    )
    if appointment is None:
        raise AppointmentNotFound
    return appointment


def book_path(intake: Intake, *, issued_at: int | None = None) -> str:
    """ "Book again": a booking-only link (it opens neither the result nor the API)."""
    return booking_path(intake, issued_at=issued_at)


def appointment_url(appointment: Appointment) -> str:
    token = appointment_token(appointment)
    return settings.SITE_URL + reverse("referrals:appointment", args=[token])


def appointment_links(appointment: Appointment, token: str | None = None) -> dict[str, str]:
    """The patient's links: they carry the appointment id only, so after a reschedule they
    show the new time and after a cancellation they say so. A page passes the `token` it was
    opened with (echoed, never renewed)."""
    token = token or appointment_token(appointment)
    return {
        name: settings.SITE_URL + reverse(f"referrals:appointment-{name}", args=[token])
        for name in ("cancel", "reschedule", "ics")
    }


def appointment_public(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "slot": appointment.slot_id,
        "clinician": clinician_public(appointment.clinician),
        "starts_at": iso(appointment.starts_at),
        "ends_at": iso(appointment.ends_at),
        "links": appointment_links(appointment),
    }


def appointment_ics(appointment: Appointment, *, now: datetime | None = None) -> str:
    """An iCalendar file for the appointment, in the clinic's zone with its VTIMEZONE.

    One UID per appointment and SEQUENCE = version, so a calendar updates the event on a
    reschedule and removes it on a cancellation. Its words are in the patient's language.
    """
    with translation.override(appointment.patient.language):
        return _appointment_ics(appointment, now=now)


def _appointment_ics(appointment: Appointment, *, now: datetime | None) -> str:
    zone = clinic_zone()
    cancelled = appointment.status == Appointment.Status.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Stride//Second opinion booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    event.add("uid", f"appointment-{appointment.pk}@{host}")
    event.add("sequence", appointment.version)
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", appointment.starts_at.astimezone(zone))
    event.add("dtend", appointment.ends_at.astimezone(zone))
    name = appointment.clinician.display_name
    event.add("summary", _("Free second opinion with %(name)s") % {"name": name})
    event.add("location", f"{settings.CLINIC_NAME}, {settings.CLINIC_ADDRESS}")
    event.add(
        "description",
        f"{name}, {appointment.clinician.title}.\n"
        + _("Change or cancel: %(url)s") % {"url": appointment_url(appointment)}
        + "\n"
        + _("Questions: %(phone)s") % {"phone": settings.CLINIC_PHONE},
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
