"""How staff pages show stored values: message kinds in words, figures with their units,
phone numbers in the clinic's own format."""

from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from django.conf import settings
from django.utils import timezone
from django.utils.timesince import timesince

from clinic import locales

# A message's `template` is a file name; staff read what the message was for.
MESSAGE_LABELS: dict[str, str] = {
    "plan": "Your plan (after the intake)",
    "followup_question": "One-week check-in",
    "followup_reminder": "Check-in reminder",
    "followup_invite": "Invitation to book (not improving)",
    "followup_encourage": "Encouragement (improving)",
    "appointment_confirmation": "Booking confirmation",
    "appointment_reminder": "Appointment reminder",
    "appointment_cancelled": "Appointment cancelled",
    "appointment_clinician_booked": "New booking (to the clinician)",
    "appointment_clinician_cancelled": "Cancellation (to the clinician)",
    "staff_urgent_alert": "Urgent alert (to staff)",
    "staff_urgent_no_show": "Urgent case missed the appointment (to staff)",
    "staff_not_improving_notice": "Booked patient not improving (to staff)",
    "appointment_clinic_cancelled": "Appointment cancelled by the clinic",
    "appointment_missed": "Missed appointment",
    "appointment_thanks": "Thank you for coming",
    "contact_verify": "Confirm the email address",
    "urgent_route": "Where to get care today (urgent)",
    "urgent_escalation": "Urgent alert escalation (to staff)",
    "message_fallback": "Message by email instead of text",
    "sms_opt_in_confirm": "Texts switched on",
    "sms_opt_out_confirm": "Texts switched off",
}

# The intake's numeric answers, as a sentence would say them ("21 days", "30 km a week").
ANSWER_UNITS: dict[str, tuple[str, str]] = {
    # key: (singular, plural); "{n}" is the number.
    "pain_now": ("{n} out of 10", "{n} out of 10"),
    "pain_worst_week": ("{n} out of 10", "{n} out of 10"),
    "duration_days": ("{n} day", "{n} days"),
    "age": ("{n} year", "{n} years"),
    "weekly_km": ("{n} km a week", "{n} km a week"),
    "shoe_km": ("{n} km", "{n} km"),
    "cadence_spm": ("{n} steps a minute", "{n} steps a minute"),
}


def message_label(template: str) -> str:
    """The message's purpose in words; an unknown template reads as its name, de-snaked."""
    return MESSAGE_LABELS.get(template, template.replace("_", " ").capitalize())


def answer_with_unit(key: str, value: Any) -> str:
    """`value` with the unit of the question `key` ("21 days"); other answers as they are."""
    forms = ANSWER_UNITS.get(key)
    if forms is None or isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    number = f"{value:g}" if isinstance(value, float) else str(value)
    # A miles clinic reads "30 km a week (about 19 miles)": the answer stays the patient's km.
    return locales.with_miles((forms[0] if value == 1 else forms[1]).format(n=number))


def phone_display(phone: str) -> str:
    """A stored (E.164) number as the clinic's region writes it: national format at home,
    international format for a number from elsewhere; anything unreadable as stored."""
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, settings.DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return phone
    home = number.country_code == phonenumbers.country_code_for_region(
        settings.DEFAULT_PHONE_REGION
    )
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if home else style.INTERNATIONAL)


def waiting_for(since: datetime, now: datetime | None = None) -> str:
    """ "under a minute", "5 minutes", "2 hours, 3 minutes": how long an intake has waited
    (Django's `timesince` says "0 minutes" for the first minute, which reads as an error)."""
    now = now or timezone.now()
    if now - since < timedelta(minutes=1):
        return "under a minute"
    return timesince(since, now)
