"""Checking a patient's contact details: the same rules for the web form and the API.

Errors are collected for every field at once, keyed as the API names them
(`patient.email`, `answers.pain_now`), so a partner sees everything wrong in one answer.
"""

from collections.abc import Callable, Mapping
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.errors import InvalidInput
from clinic.languages import patient_languages
from clinic.messaging.models import Channel
from clinic.zones import clinic_zone_name, zone_names

PATIENT_FIELDS = (
    "name",
    "email",
    "phone",
    "channel",
    "timezone",
    "consent_follow_up",
    "guardian",
    "language",
)
GUARDIAN_FIELDS = ("name", "relationship", "email", "phone", "completed_by_guardian")
# Section 9 of the clinical specification: under 16 a parent or guardian answers for the
# child (their consent, their contact); under 13 they must fill the form in themselves.
GUARDIAN_NEEDED_UNDER = 16
GUARDIAN_FILLS_IN_UNDER = 13
GUARDIAN_MISSING_MESSAGE = gettext_lazy(
    "A parent or guardian's details are needed for a patient under 16: their name, how "
    "they are related, and an email address or phone number."
)
GUARDIAN_CONTACT_MESSAGE = gettext_lazy(
    "Give the parent or guardian's email address or phone number."
)
GUARDIAN_MUST_FILL_IN_MESSAGE = gettext_lazy(
    "For a child under 13, a parent or guardian must fill this in. Please ask your parent "
    "or guardian to complete it with you."
)


class IntakeInvalid(InvalidInput):
    """The submission was refused; `errors` maps `patient.x` / `answers.y` to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors=errors)


def phone_example() -> str:
    """A mobile number of the clinic's region that `phone_to_e164` accepts, to show in errors
    (phonenumbers' own example, so it is valid by construction; "555 01xx" numbers are not)."""
    mobile = phonenumbers.PhoneNumberType.MOBILE
    number = phonenumbers.example_number_for_type(settings.DEFAULT_PHONE_REGION, mobile)
    if number is None:  # an unknown region: a US example, in international form
        number = phonenumbers.example_number_for_type("US", mobile)
    assert number is not None  # the US has an example mobile number
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_invalid_message() -> str:
    return _("Enter a valid phone number, e.g. %(example)s.") % {"example": phone_example()}


def phone_to_e164(raw: str) -> str:
    """Parse a phone number typed any usual way into E.164, or raise ValueError."""
    try:
        number = phonenumbers.parse(raw, settings.DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(phone_invalid_message()) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(phone_invalid_message())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _contact_clean(raw: Mapping[str, Any], err: Callable[[str], list[str]]) -> tuple[str, str]:
    """An email and a phone (as E.164) from the patient's or a guardian's details; each error
    goes to `err(field)`, whose key prefix says whose details they were."""
    email = _text(raw.get("email"), err("email"), max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            err("email").append(_("Enter a valid email address."))
    phone = _text(raw.get("phone"), err("phone"), max_length=40)
    if phone and not err("phone"):
        try:
            phone = phone_to_e164(phone)
        except ValueError as exc:
            err("phone").append(str(exc))
    return email, phone


def _text(value: Any, errors: list[str], *, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append(_("Must be text."))
        return ""
    value = value.strip()
    if len(value) > max_length:
        errors.append(_("Must be at most %(count)d characters.") % {"count": max_length})
    if "\x00" in value:
        errors.append(_("Must not contain control characters."))
    return value


# Long on purpose: one short check per field in form order; a split would scatter them.
def patient_clean(
    raw: Any, *, age: int | None = None, default_language: str = "en"
) -> dict[str, Any]:
    """Return the patient's details ready to save, or raise IntakeInvalid.

    `age` is the age answered (None when it is missing or not valid): under 16 the
    `guardian` object is required, their contact is the one messages go to, and consent is
    theirs; at 16 or over a guardian is not part of the record (null or left out).
    `default_language` is the caller's (the browser's) when `language` is left out.
    """
    if not isinstance(raw, Mapping):
        raise IntakeInvalid({"patient": [_("Must be an object with the patient's details.")]})
    errors: dict[str, list[str]] = {}

    def err(field: str) -> list[str]:
        return errors.setdefault(f"patient.{field}", [])

    for key in raw:
        if key not in PATIENT_FIELDS:
            err(str(key)).append(_("Unknown field."))

    name = _text(raw.get("name"), err("name"), max_length=200)
    if not name and not errors.get("patient.name"):
        err("name").append(_("Please tell us your name."))

    email, phone = _contact_clean(raw, err)

    channel = raw.get("channel", Channel.EMAIL)
    if channel not in Channel.values:
        err("channel").append(_('Choose "email" or "sms".'))

    tz = raw.get("timezone", "")
    if tz == "":
        tz = clinic_zone_name()
    if not isinstance(tz, str) or tz not in zone_names():
        err("timezone").append(_("Unknown time zone; use an IANA name such as Europe/London."))

    language = raw.get("language", default_language)
    if not isinstance(language, str) or language not in dict(patient_languages()):
        codes = ", ".join(f'"{code}"' for code, _ in patient_languages())
        err("language").append(_("Choose one of %(codes)s.") % {"codes": codes})

    child = age is not None and age < GUARDIAN_NEEDED_UNDER
    guardian: dict[str, Any] = {}
    if age is not None and child:
        guardian = _guardian_clean(raw.get("guardian"), errors, age=age)
    elif age is not None and raw.get("guardian") is not None:
        err("guardian").append(_("Only for a patient under 16: leave it out or null."))

    consent = raw.get("consent_follow_up", False)
    # A child's follow-ups go to the guardian: theirs is the contact consent needs.
    prefix = "guardian." if child else ""
    reach_email = guardian.get("guardian_email") if child else email
    reach_phone = guardian.get("guardian_phone") if child else phone
    if not isinstance(consent, bool):
        err("consent_follow_up").append(_("Must be true or false."))
    elif (
        consent
        and channel == Channel.EMAIL
        and not reach_email
        and not errors.get(f"patient.{prefix}email")
    ):
        err(f"{prefix}email").append(
            _("We need the parent or guardian's email address to send the follow-up by email.")
            if child
            else _("We need your email address to send the follow-up by email.")
        )
    elif (
        consent
        and channel == Channel.SMS
        and not reach_phone
        and not errors.get(f"patient.{prefix}phone")
    ):
        err(f"{prefix}phone").append(
            _("We need the parent or guardian's mobile number to send the follow-up by text.")
            if child
            else _("We need your mobile number to send the follow-up by text.")
        )

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
        "language": language,
        **guardian,
    }


# Long on purpose: one short check per guardian field in form order, like patient_clean.
def _guardian_clean(raw: Any, errors: dict[str, list[str]], *, age: int) -> dict[str, Any]:
    """A child's parent or guardian as Patient's guardian_* fields; errors go in `errors`
    keyed `patient.guardian` (missing) or `patient.guardian.<field>`."""

    def err(field: str) -> list[str]:
        return errors.setdefault(f"patient.guardian.{field}", [])

    if raw is None:
        errors.setdefault("patient.guardian", []).append(str(GUARDIAN_MISSING_MESSAGE))
        return {}
    if not isinstance(raw, Mapping):
        errors.setdefault("patient.guardian", []).append(
            _("Must be an object with the parent or guardian's details.")
        )
        return {}
    for key in raw:
        if key not in GUARDIAN_FIELDS:
            err(str(key)).append(_("Unknown field."))

    name = _text(raw.get("name"), err("name"), max_length=200)
    if not name and not errors.get("patient.guardian.name"):
        err("name").append(_("Please tell us the parent or guardian's name."))
    relationship = _text(raw.get("relationship"), err("relationship"), max_length=100)
    if not relationship and not errors.get("patient.guardian.relationship"):
        err("relationship").append(_("Please tell us how they are related to the patient."))

    email, phone = _contact_clean(raw, err)
    contact_errors = errors.get("patient.guardian.email") or errors.get("patient.guardian.phone")
    if not email and not phone and not contact_errors:
        err("email").append(str(GUARDIAN_CONTACT_MESSAGE))
        err("phone").append(str(GUARDIAN_CONTACT_MESSAGE))

    completed = raw.get("completed_by_guardian", False)
    if not isinstance(completed, bool):
        err("completed_by_guardian").append(_("Must be true or false."))
    elif age < GUARDIAN_FILLS_IN_UNDER and not completed:
        err("completed_by_guardian").append(str(GUARDIAN_MUST_FILL_IN_MESSAGE))

    return {
        "guardian_name": name,
        "guardian_relationship": relationship,
        "guardian_email": email,
        "guardian_phone": phone,
        "completed_by_guardian": completed is True,
    }


def answered_age(answers: Any) -> int | None:
    """The age as answered, when it is a whole number the rules accept (12 or over); else
    None (the answers' own check reports it)."""
    age = answers.get("age") if isinstance(answers, Mapping) else None
    if isinstance(age, bool) or not isinstance(age, int) or not 12 <= age <= 110:
        return None
    return age
