"""Reads for booking: open slots, a patient's appointment, its links and its calendar file."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from clinic import languages, locales
from clinic.links import BadLink, link_token_make, link_token_open
from clinic.zones import clinic_zone, when_text, zone_label, zone_of
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
    """One time on the day's grid: the slot to book, its time, and whose it is."""

    id: int
    time: str
    clinician: str = ""


@dataclass
class DayChoices:
    """A day with open slots: `iso` for its link (`?day=2026-12-01`), `label` in full
    ("Tuesday 1 December"), `short` for the strip and the summary ("Tue 1 Dec")."""

    iso: str
    label: str
    short: str
    dow: str = ""
    dom: str = ""
    slots: list[SlotChoice] = field(default_factory=list)


@dataclass
class BookingPage:
    """What the picker shows: the days with open slots, one day's times, the first free time,
    the clinician filter, and notices about a `day` or `clinician` that could not be used."""

    clinicians: list[Clinician]
    clinician: Clinician | None
    days: list[DayChoices]
    day: DayChoices | None
    notices: list[str]
    slot_count: int
    window_days: int  # how far ahead it looked: two weeks, or the horizon when they were empty


def _param_id(raw: str | None) -> int | None:
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    return int(raw)


def _param_date(raw: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _chosen_clinician(
    raw: str | None, with_slots: list[Clinician], notices: list[str], *, days: int
) -> Clinician | None:
    """The clinician `?clinician=` names, or None ("any clinician") with a notice saying why
    when it names nobody who has free times on the page."""
    if raw in (None, "", "any"):
        return None
    wanted = _param_id(raw)
    found = next((c for c in with_slots if c.pk == wanted), None)
    if found is not None:
        return found
    known = Clinician.objects.filter(pk=wanted, active=True).first() if wanted else None
    if known is not None:
        notices.append(f"{known.display_name} has no free times in the next {days} days,")
    else:
        notices.append("We couldn't find that clinician,")
    notices[-1] += " so here are the free times with any of our clinicians."
    return None


def _chosen_day(raw: str | None, days: list[DayChoices], notices: list[str]) -> DayChoices | None:
    """The day `?day=` names, or the next day with free times after it (the first day when
    it names no date), with a notice saying why."""
    if not days:
        return None
    if raw in (None, ""):
        return days[0]
    wanted = _param_date(raw)
    if wanted is None:
        notices.append("We couldn't read the date in that link, so here are the first free times.")
        return days[0]
    found = next((d for d in days if d.iso >= wanted.isoformat()), None)
    if found is not None and found.iso == wanted.isoformat():
        return found
    notices.append(
        f"There are no free times on {local_day(wanted)}"
        f", so here are the {'next' if found else 'first'} free times."
    )
    return found or days[0]


def _days_of(slots: list[Slot], zone: ZoneInfo, *, any_clinician: bool) -> list[DayChoices]:
    """Slots grouped by the patient's local day; for "any clinician" one choice per time
    (the first clinician free then), so the grid lists each time once."""
    days: dict[date, DayChoices] = {}
    seen: set[datetime] = set()
    for slot in slots:
        if any_clinician and slot.starts_at in seen:
            continue
        seen.add(slot.starts_at)
        local = slot.starts_at.astimezone(zone)
        day = days.get(local.date())
        if day is None:
            day = days[local.date()] = DayChoices(
                iso=local.date().isoformat(),
                label=local_day(local),
                short=short_day(local),
                dow=dateformat.format(local, "D"),
                dom=locales.date_text(local, "MONTH_DAY_FORMAT"),
            )
        day.slots.append(
            SlotChoice(id=slot.pk, time=local_time(local), clinician=slot.clinician.display_name)
        )
    return list(days.values())


def booking_page(
    *,
    zone_name: str,
    day: str | None = None,
    clinician: str | None = None,
    now: datetime | None = None,
    days: int = PAGE_DAYS,
) -> BookingPage:
    """The picker for the next `days` in the patient's zone, from one query (the open slots
    with their clinicians); one more only to name a `clinician` the filter cannot use.

    When those days have no free time at all, it looks as far ahead as a booking can go
    (BOOKING_HORIZON_DAYS, as the API does) rather than send the patient away.
    """
    now = now or timezone.now()
    page = _booking_page(zone_name=zone_name, day=day, clinician=clinician, now=now, days=days)
    horizon = settings.BOOKING_HORIZON_DAYS
    if page.slot_count == 0 and days < horizon:
        return _booking_page(
            zone_name=zone_name, day=day, clinician=clinician, now=now, days=horizon
        )
    return page


def _booking_page(
    *, zone_name: str, day: str | None, clinician: str | None, now: datetime, days: int
) -> BookingPage:
    zone = zone_of(zone_name)
    slots = list(slot_list_open(now=now, starts_before=now + timedelta(days=days)))
    with_slots = sorted({s.clinician for s in slots}, key=lambda c: (c.display_name, c.pk))
    notices: list[str] = []
    chosen = _chosen_clinician(clinician, with_slots, notices, days=days)
    if chosen is not None:
        slots = [s for s in slots if s.clinician_id == chosen.pk]
    day_list = _days_of(slots, zone, any_clinician=chosen is None)
    return BookingPage(
        clinicians=with_slots,
        clinician=chosen,
        days=day_list,
        day=_chosen_day(day, day_list, notices),
        notices=notices,
        slot_count=len(slots),
        window_days=days,
    )


def booking_choices(
    *,
    zone_name: str,
    day: str | None = None,
    clinician: str | None = None,
    now: datetime | None = None,
    days: int = PAGE_DAYS,
) -> dict[str, Any]:
    """The booking page's context: `booking_page` and the patient's zone, named."""
    now = now or timezone.now()
    zone = zone_of(zone_name)
    page = booking_page(zone_name=zone_name, day=day, clinician=clinician, now=now, days=days)
    return {
        "zone": zone.key,
        "zone_abbr": now.astimezone(zone).tzname(),
        "zone_label": zone_label(zone.key),
        "page": page,
        "first": page.days[0] if page.days else None,
        "slot_count": page.slot_count,
    }


def local_date(value: datetime, zone_name: str) -> date:
    """The patient's calendar date of an instant: the picker's `?day=`."""
    return value.astimezone(zone_of(zone_name)).date()


def short_day(value: datetime | date) -> str:
    """ "Tue 1 Dec" (en-GB), "Tue, Dec 1" (en-US): the summary (clinic/locales.py)."""
    return locales.date_text(value, "WEEKDAY_DATE_FORMAT")


def local_day(value: datetime | date) -> str:
    """ "Tuesday 1 December" (en-GB), "Tuesday, December 1" (en-US): clinic/locales.py."""
    return locales.date_text(value, "LONG_WEEKDAY_DATE_FORMAT")


def local_time(value: datetime) -> str:
    return locales.time_text(value)


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
    with languages.override(appointment.patient.language):
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
        f"{when_text(appointment.starts_at, appointment.patient.timezone)}\n"
        f"{appointment.clinician.display_name}, {appointment.clinician.title}.\n"
        + _("Change or cancel: %(url)s") % {"url": appointment_url(appointment)}
        + "\n"
        + _("Questions: %(phone)s") % {"phone": settings.CLINIC_PHONE},
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
