"""The suppression list: opt-outs keyed by channel and normalised address, for every intake.

An opt-out (an SMS `STOP`, the email link, or staff) holds for every later message to that
address on that channel, whatever intake it comes from, until `START` (SMS only) or an
explicit opt-in lifts it. The send step reads it for every message.
"""

import re
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clinic.links import link_token_make
from clinic.messaging.models import Message, Suppression
from clinic.messaging.recipients import address_normalise

OPT_OUT_LINK_PURPOSE = "message_opt_out"
# Carrier-standard opt-out words, compared without case, spaces or punctuation.
OPT_OUT_KEYWORDS = frozenset(
    {"STOP", "STOPALL", "QUIT", "END", "REVOKE", "OPTOUT", "CANCEL", "UNSUBSCRIBE"}
)
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP"})


def sms_keyword(body: str) -> str:
    """The reply reduced to letters, upper case: " opt  out. " ⇒ "OPTOUT"."""
    return re.sub(r"[^A-Za-z]", "", body or "").upper()


def opt_out_url(message_id: int) -> str:
    """The signed one-click opt-out link of one email: it stops that message's address."""
    token = link_token_make(purpose=OPT_OUT_LINK_PURPOSE, object_id=message_id)
    return settings.SITE_URL + reverse("messaging:opt_out", args=[token])


def suppression_add(
    *, channel: str, address: str, source: str, now: datetime | None = None
) -> Suppression | None:
    """Stop every message to this address on this channel; a repeat keeps the first time.

    Returns the suppression, or None for an empty address.
    """
    address = address_normalise(channel=channel, address=address)
    if not address:
        return None
    with transaction.atomic():
        suppression, _ = Suppression.objects.get_or_create(
            channel=channel,
            address=address,
            defaults={"source": source, "created_at": now or timezone.now()},
        )
    return suppression


def suppression_lift(*, channel: str, address: str) -> int:
    """Let messages to this address on this channel go again; returns rows removed (0 or 1)."""
    address = address_normalise(channel=channel, address=address)
    with transaction.atomic():
        deleted, _ = Suppression.objects.filter(channel=channel, address=address).delete()
    return deleted


def suppressed_among(recipients: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (channel, normalised address) pairs are suppressed. One query."""
    pairs = {(channel, address) for channel, address in recipients if address}
    if not pairs:
        return set()
    matches = Q()
    for channel in {channel for channel, _ in pairs}:
        matches |= Q(channel=channel, address__in=[a for c, a in pairs if c == channel])
    found = Suppression.objects.filter(matches).values_list("channel", "address")
    return set(found)


def suppressed(*, channel: str, address: str) -> bool:
    return bool(suppressed_among([(channel, address_normalise(channel=channel, address=address))]))


def message_opt_out_by_link(*, message_id: int, now: datetime | None = None) -> Suppression | None:
    """The email link: suppress the channel and address the message went to."""
    message = Message.objects.filter(pk=message_id).only("channel", "recipient").first()
    if message is None:
        return None
    return suppression_add(
        channel=message.channel,
        address=message.recipient,
        source=Suppression.Source.EMAIL_LINK,
        now=now,
    )
