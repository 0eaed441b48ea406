"""Every urgent entrance ends here: nobody urgent falls through (clinical spec, section 7).

`urgent_case_open` is the one way a case becomes urgent, whoever saw the sign (the web
form, its call-back, the API, a follow-up answered `worse`, a clinician): an urgent
referral, a staff alert the dashboard must acknowledge, the route text to the patient at
once, and no follow-up left pending. The anonymous safety screen and the call-back intake of
the urgent page are written here too, with the page's texts (routes, opening hours).
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from clinic import languages, locales
from clinic.errors import InvalidInput
from clinic.languages import language_current
from clinic.messaging.models import Channel, Message
from clinic.messaging.recipients import Recipient
from clinic.messaging.services import message_queue
from clinic.zones import clinic_zone, clinic_zone_name
from intake import triage
from intake.explain import breathlessness_in, clinical_text, route_text_in
from intake.models import (
    FollowUp,
    Intake,
    Patient,
    Referral,
    SafetyScreen,
    StaffAlert,
    TriageOutcome,
    Urgency,
)
from intake.recipients import intake_about, reply_recipient
from intake.validation import phone_invalid_message, phone_to_e164

logger = logging.getLogger(__name__)

ROUTE_PURPOSE = "urgent_route"
PENDING_FOLLOW_UP = (FollowUp.Status.SCHEDULED, FollowUp.Status.SENT, FollowUp.Status.REMINDED)


class CallBackInvalid(InvalidInput):
    """The urgent page's call-back form was refused; `errors` names each bad field."""


# --- Texts ----------------------------------------------------------------------------------


def route_text(route: str) -> str:
    """The patient text of a care route with this clinic's numbers filled in (in the active
    language)."""
    return route_text_in(route)


def breathlessness_text() -> str:
    return breathlessness_in()


def urgent_texts(red_flags: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """What every urgent page, sheet and message says for these flags: route first.

    Flags unknown to these rules (an outcome of older rules) are left out; with none left,
    the route is `same_day` (the old rules' one route: seek care today).
    """
    flags = [f for f in triage.RED_FLAGS if f in red_flags]
    route = triage.care_route(flags) or "same_day"
    routes = [r for r in triage.CARE_ROUTES if r in {triage.RED_FLAGS[f].route for f in flags}]
    return {
        "care_route": route,
        "route_text": route_text(route),
        # Every ticked sign, as a statement, under the route that it calls for.
        "route_groups": [
            {
                "route": r,
                "text": route_text(r),
                "signs": [
                    clinical_text(triage.red_flag_statement(f))
                    for f in flags
                    if triage.RED_FLAGS[f].route == r
                ],
            }
            for r in routes
        ],
        "breathlessness_text": breathlessness_text(),
        "emergency_number": settings.EMERGENCY_NUMBER,
    }


# --- Opening hours ---------------------------------------------------------------------------

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_HOURS_ENTRY = re.compile(
    r"^(?P<first>[A-Za-z]{3})(?:\s*-\s*(?P<last>[A-Za-z]{3}))?\s+"
    r"(?P<opens>\d{1,2}:\d{2})\s*-\s*(?P<closes>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True)
class OpeningHours:
    days: tuple[int, ...]  # 0 = Monday
    opens: time
    closes: time

    @property
    def label(self) -> str:
        """ "Monday to Friday, 8:00 am–6:00 pm" in the active language (Django's day names)."""
        first, last = str(WEEKDAYS[self.days[0]]), str(WEEKDAYS[self.days[-1]])
        days = (
            first
            if len(self.days) == 1
            else _("%(first)s to %(last)s")
            % {
                "first": first,
                "last": last,
            }
        )
        return f"{days}, {locales.time_range_text(self.opens, self.closes)}"


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes)  # ValueError when out of range


def clinic_hours(raw: str | None = None) -> list[OpeningHours]:
    """CLINIC_HOURS read safely: an entry that does not parse is left out (and logged)."""
    raw = settings.CLINIC_HOURS if raw is None else raw
    hours = []
    for entry in re.split(r"[,;]", raw or ""):
        entry = entry.strip()
        match = _HOURS_ENTRY.match(entry)
        try:
            if not match:
                raise ValueError(entry)
            first = DAYS.index(match["first"].title())
            last = DAYS.index((match["last"] or match["first"]).title())
            opens, closes = _clock(match["opens"]), _clock(match["closes"])
            if last < first or closes <= opens:
                raise ValueError(entry)
        except ValueError:
            if entry:
                logger.warning("CLINIC_HOURS entry %r not understood; left out", entry)
            continue
        hours.append(OpeningHours(tuple(range(first, last + 1)), opens, closes))
    return hours


def clinic_open_at(moment: datetime, hours: list[OpeningHours] | None = None) -> bool:
    """Whether the clinic is open at `moment` (its own wall clock)."""
    local = moment.astimezone(clinic_zone())
    return any(
        local.weekday() in h.days and h.opens <= local.time() < h.closes
        for h in (clinic_hours() if hours is None else hours)
    )


def hours_context(now: datetime | None = None) -> dict[str, Any]:
    hours = clinic_hours()
    return {
        "clinic_hours": [h.label for h in hours],
        "clinic_open_now": clinic_open_at(now or timezone.now(), hours),
        "clinic_zone": clinic_zone_name().replace("_", " "),
    }


# --- Writes ----------------------------------------------------------------------------------


def safety_screen_record(*, red_flags: list[str], now: datetime | None = None) -> SafetyScreen:
    """Record a flagged web safety step, anonymously: flags, route, rules version, time."""
    flags = [f for f in triage.RED_FLAGS if f in red_flags]  # spec order, each once
    route = triage.care_route(flags)
    if route is None:
        raise ValueError("A safety screen is recorded only when a warning sign was ticked.")
    return SafetyScreen.objects.create(
        red_flags=flags,
        care_route=route,
        rules_version=triage.RULES_VERSION,
        created_at=now or timezone.now(),
    )


def call_back_clean(*, name: Any, phone: Any, email: Any = "") -> dict[str, str]:
    """The call-back form's fields checked one by one, or CallBackInvalid naming each."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = ["Please tell us your name, so the clinic knows who to ask for."]
    elif len(name) > 200:
        errors["name"] = ["Must be at most 200 characters."]
    phone = (phone or "").strip() if isinstance(phone, str) else ""
    if len(phone) > 40:
        errors["phone"] = [phone_invalid_message()]
    elif not phone:
        errors["phone"] = ["Please give a phone number the clinic can call you on."]
    else:
        try:
            phone = phone_to_e164(phone)
        except ValueError as exc:
            errors["phone"] = [str(exc)]
    email = (email or "").strip() if isinstance(email, str) else ""
    if len(email) > 254:
        errors["email"] = ["Enter a valid email address, or leave it empty."]
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Enter a valid email address, or leave it empty."]
    if errors:
        raise CallBackInvalid(errors=errors)
    return {"name": name, "phone": phone, "email": email}


def call_back_submit(
    *, screen_id: int, name: Any, phone: Any, email: Any = "", now: datetime | None = None
) -> Intake:
    """The urgent page's call-back: an urgent intake linked to its screen, and the case opened.

    The intake holds the contact and the screen's flags (the only answers given so far); the
    clinic calls by phone, and the route text goes out by SMS at once.
    """
    contact = call_back_clean(name=name, phone=phone, email=email)
    now = now or timezone.now()
    screen = SafetyScreen.objects.get(pk=screen_id)
    with transaction.atomic(), disable_auditlog():
        patient = Patient.objects.create(
            name=contact["name"],
            phone=contact["phone"],
            email=contact["email"],
            channel=Channel.SMS,
            timezone=clinic_zone_name(),
            language=language_current(),
            created_at=now,
        )
        intake = Intake.objects.create(
            patient=patient,
            source=Intake.Source.CALL_BACK,
            answers={"red_flags": list(screen.red_flags)},
            urgency=Urgency.URGENT,
            pattern="unclear",
            safety_screen=screen,
            submitted_at=now,
        )
        TriageOutcome.objects.create(
            intake=intake,
            pattern="unclear",
            urgency=Urgency.URGENT,
            care_route=screen.care_route,
            red_flags=list(screen.red_flags),
            advice=["seek_urgent_care"],
            rules_version=screen.rules_version,
            created_at=now,
        )
        urgent_case_open(
            intake=intake, red_flags=list(screen.red_flags), source=Intake.Source.CALL_BACK, now=now
        )
    return intake


def urgent_case_open(
    *,
    intake: Intake,
    red_flags: list[str] | tuple[str, ...],
    source: str,
    actor: Any = None,
    now: datetime | None = None,
) -> StaffAlert:
    """Take one intake down the urgent route; a repeat changes nothing and sends nothing.

    In one transaction: the intake joins the urgent queue (its frozen outcome is untouched),
    an urgent referral and a staff alert are opened, a pending follow-up is cancelled, and
    the route text is queued to the patient (or their guardian) at once: a reply to their own
    action, so without follow-up consent and whatever the hour. `source` says which
    entrance (form, api, call_back, follow_up, clinician); `actor` is the clinician, if any
    (the dashboard writes the audit rows: this layer cannot see them).
    """
    now = now or timezone.now()
    flags = [f for f in triage.RED_FLAGS if f in red_flags]
    with transaction.atomic():
        if intake.urgency != Urgency.URGENT:
            intake.urgency = Urgency.URGENT
            intake.save(update_fields=["urgency"])
        Referral.objects.get_or_create(
            intake=intake, reason=Referral.Reason.URGENT, defaults={"created_at": now}
        )
        alert, created = StaffAlert.objects.get_or_create(
            intake=intake, defaults={"created_at": now}
        )
        FollowUp.objects.filter(intake=intake, status__in=PENDING_FOLLOW_UP).update(
            status=FollowUp.Status.CANCELLED
        )
        if created:
            _staff_alert_queue(intake)
        _route_text_queue(intake, flags)
        logger.info("urgent case opened: intake %s from %s", intake.pk, source)
    return alert


def _staff_alert_queue(intake: Intake) -> Message:
    """The clinic's alert email (no health data: the dashboard holds the details)."""
    return message_queue(
        template="staff_urgent_alert",
        purpose="staff_urgent_alert",
        idempotency_key=f"intake-{intake.pk}",
        recipient=Recipient(channel=Channel.EMAIL, address=settings.CLINIC_STAFF_ALERT_EMAIL),
        context={
            "intake_id": intake.pk,
            "staff_url": settings.SITE_URL + f"/staff/intakes/{intake.pk}/",
        },
        about=intake_about(intake.pk),
        opt_out_link=False,  # the clinic's own alert: nobody may switch it off by a link
    )


def route_recipient(intake: Intake) -> Recipient | None:
    """Who hears the route: the reply recipient of `intake.recipients.reply_recipient` (the
    patient on their channel, else the other one; a child's guardian). None without any."""
    return reply_recipient(intake.patient)


def _route_text_queue(intake: Intake, flags: list[str]) -> Message | None:
    recipient = route_recipient(intake)
    if recipient is None:
        return None  # an anonymous case: the page told them, the alert tells the clinic
    # A clinician's mark has no flags of its own: the outcome's, else a same-day route.
    # In the patient's language, whoever acts (the patient's page, a clinician's mark).
    with languages.override(intake.patient.language):
        texts = urgent_texts(flags or list(intake.outcome.red_flags))
        signs = [
            clinical_text(triage.red_flag_statement(f)) for f in flags if f in triage.RED_FLAGS
        ]
    return message_queue(
        template="urgent_route",
        purpose=ROUTE_PURPOSE,
        idempotency_key=f"intake-{intake.pk}",
        recipient=recipient,
        context={
            "first_name": intake.patient.greeting_name,
            "route_text": texts["route_text"],
            "signs": signs,
            "breathlessness_text": texts["breathlessness_text"],
        },
        about=intake_about(intake.pk),
        unprompted=False,  # a reply to their own action: sent now, whatever the hour
    )
