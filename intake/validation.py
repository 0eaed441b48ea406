"""Checking a patient's contact details: the same rules for the web form and the API.

Errors are collected for every field at once, keyed as the API names them
(`patient.email`, `answers.pain_now`), so a partner sees everything wrong in one answer.
"""

from collections.abc import Mapping
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from clinic.errors import InvalidInput
from clinic.messaging.models import Channel
from clinic.zones import clinic_zone_name, zone_names

PATIENT_FIELDS = ("name", "email", "phone", "channel", "timezone", "consent_follow_up")


class IntakeInvalid(InvalidInput):
    """The submission was refused; `errors` maps `patient.x` / `answers.y` to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors=errors)


def phone_to_e164(raw: str) -> str:
    """Parse a phone number typed any usual way into E.164, or raise ValueError."""
    try:
        number = phonenumbers.parse(raw, settings.DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("Enter a valid phone number, e.g. +1 555 010 0199.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("Enter a valid phone number, e.g. +1 555 010 0199.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _text(value: Any, errors: list[str], *, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append("Must be text.")
        return ""
    value = value.strip()
    if len(value) > max_length:
        errors.append(f"Must be at most {max_length} characters.")
    if "\x00" in value:
        errors.append("Must not contain control characters.")
    return value


# Long on purpose: one short check per field in form order; a split would scatter them.
def patient_clean(raw: Any) -> dict[str, Any]:
    """Return the patient's details ready to save, or raise IntakeInvalid."""
    if not isinstance(raw, Mapping):
        raise IntakeInvalid({"patient": ["Must be an object with the patient's details."]})
    errors: dict[str, list[str]] = {}

    def err(field: str) -> list[str]:
        return errors.setdefault(f"patient.{field}", [])

    for key in raw:
        if key not in PATIENT_FIELDS:
            err(str(key)).append("Unknown field.")

    name = _text(raw.get("name"), err("name"), max_length=200)
    if not name and not errors.get("patient.name"):
        err("name").append("Please tell us your name.")

    email = _text(raw.get("email"), err("email"), max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            err("email").append("Enter a valid email address.")

    phone = _text(raw.get("phone"), err("phone"), max_length=40)
    if phone and not errors.get("patient.phone"):
        try:
            phone = phone_to_e164(phone)
        except ValueError as exc:
            err("phone").append(str(exc))

    channel = raw.get("channel", Channel.EMAIL)
    if channel not in Channel.values:
        err("channel").append('Choose "email" or "sms".')

    tz = raw.get("timezone", "")
    if tz == "":
        tz = clinic_zone_name()
    if not isinstance(tz, str) or tz not in zone_names():
        err("timezone").append("Unknown time zone; use an IANA name such as Europe/London.")

    consent = raw.get("consent_follow_up", False)
    if not isinstance(consent, bool):
        err("consent_follow_up").append("Must be true or false.")
    elif consent and channel == Channel.EMAIL and not email and not errors.get("patient.email"):
        err("email").append("We need your email address to send your follow-up by email.")
    elif consent and channel == Channel.SMS and not phone and not errors.get("patient.phone"):
        err("phone").append("We need your mobile number to send your follow-up by text.")

    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise IntakeInvalid(errors)
    return {
        "name": name,
        "email": email,
        "phone": phone,
        "channel": channel,
        "timezone": tz,
        "consent_follow_up": consent,
    }
