"""What a booked patient is told (issue 14, item 5): how long the visit is, what to bring,
where the clinic is, and links that put the appointment in their calendar.

The calendar links carry the appointment's UTC times and, as their only link, the
appointment-only page the patient is on (never their intake, result or booking token): a
calendar event is copied, synced and shared, so it holds nothing more than the `.ics` does.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from referrals.models import Appointment

GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
OUTLOOK_CALENDAR = "https://outlook.live.com/calendar/0/deeplink/compose"

# Plain things to bring, no clinical advice: what lets the clinician see and test the knee.
WHAT_TO_BRING = (
    gettext_lazy("Shorts or loose trousers, so the clinician can see your knee"),
    gettext_lazy("The running shoes you use most"),
    gettext_lazy("A list of any medicines you take"),
)


def visit_minutes(starts_at: datetime, ends_at: datetime) -> int:
    """The visit's length in whole minutes (a slot's or an appointment's)."""
    return int((ends_at - starts_at) / timedelta(minutes=1))


def visit_length_text(starts_at: datetime, ends_at: datetime) -> str:
    """`30 minutes`, `1 hour`, `1 hour 15 minutes`."""
    hours, minutes = divmod(visit_minutes(starts_at, ends_at), 60)
    parts = [ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}] if hours else []
    if minutes or not hours:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes})
    return " ".join(parts)


def clinic_location() -> str:
    return f"{settings.CLINIC_NAME}, {settings.CLINIC_ADDRESS}"


def _query(params: dict[str, str]) -> str:
    # %20 for spaces (both services read it; "+" is read literally by some), and "/" and ":"
    # kept as they are, as both services write their own examples.
    return urlencode(params, quote_via=quote, safe="/:")


def calendar_event(appointment: Appointment, token: str) -> dict[str, str]:
    """The event's words: the same title, place and description as the `.ics`, with the
    page this `token` opens (appointment-only) as the way to change or cancel it."""
    page = settings.SITE_URL + reverse("referrals:appointment", args=[token])
    clinician = appointment.clinician
    return {
        "title": _("Free second opinion with %(name)s") % {"name": clinician.display_name},
        "details": (
            f"{clinician.display_name}, {clinician.title}.\n"
            + _("Change or cancel: %(url)s") % {"url": page}
            + "\n"
            + _("Questions: %(phone)s") % {"phone": settings.CLINIC_PHONE}
        ),
        "location": clinic_location(),
    }


def calendar_links(appointment: Appointment, token: str) -> dict[str, str]:
    """ "Add to Google Calendar" and "Add to Outlook" links, from the appointment's UTC times."""
    event = calendar_event(appointment, token)
    starts, ends = appointment.starts_at.astimezone(UTC), appointment.ends_at.astimezone(UTC)
    google = {
        "action": "TEMPLATE",
        "text": event["title"],
        "dates": f"{starts:%Y%m%dT%H%M%SZ}/{ends:%Y%m%dT%H%M%SZ}",
        "details": event["details"],
        "location": event["location"],
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event["title"],
        "startdt": f"{starts:%Y-%m-%dT%H:%M:%SZ}",
        "enddt": f"{ends:%Y-%m-%dT%H:%M:%SZ}",
        "body": event["details"],
        "location": event["location"],
    }
    return {
        "google": f"{GOOGLE_CALENDAR}?{_query(google)}",
        "outlook": f"{OUTLOOK_CALENDAR}?{_query(outlook)}",
    }


def visit_context(starts_at: datetime, ends_at: datetime) -> dict[str, object]:
    """What the confirm and appointment pages say about the visit itself."""
    return {
        "visit_length": visit_length_text(starts_at, ends_at),
        "what_to_bring": WHAT_TO_BRING,
        "clinic_map_url": settings.CLINIC_MAP_URL,
    }
