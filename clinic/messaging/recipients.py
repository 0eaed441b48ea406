"""Who a message goes to: a value callers build (channel, address, zone), never an app's model."""

import re
from dataclasses import dataclass

import phonenumbers
from django.conf import settings

from clinic.messaging.models import Channel

# Already E.164 (how intake stores phones): no parsing on the hot path.
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def address_normalise(*, channel: str, address: str) -> str:
    """The one form an address is stored and compared in: E.164 phone, lower-cased email.

    A phone that cannot be read as a number (a provider's short code) is kept as given,
    stripped, so that the same sender always maps to the same address.
    """
    address = (address or "").strip()
    if channel == Channel.EMAIL:
        return address.lower()
    if not address or _E164.match(address):
        return address
    try:
        number = phonenumbers.parse(address, settings.DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return address
    if not phonenumbers.is_possible_number(number):
        return address
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class Recipient:
    """One person reachable on one channel; the address is normalised on creation.

    `zone` is the IANA time zone name for quiet hours and the daily allowance; "" for the
    clinic's own people (staff, clinicians), whom neither holds.
    `fallback_email` is where a text that failed for good goes instead ("" for none).
    `language` is what their messages are written in: "" for the clinic's own people, who
    read English (settings.LANGUAGE_CODE).
    """

    channel: str
    address: str
    zone: str = ""
    fallback_email: str = ""
    language: str = ""

    def __post_init__(self) -> None:
        # Frozen: normalising goes through object.__setattr__, once, here.
        object.__setattr__(
            self, "address", address_normalise(channel=self.channel, address=self.address)
        )
        object.__setattr__(
            self,
            "fallback_email",
            address_normalise(channel=Channel.EMAIL, address=self.fallback_email),
        )
