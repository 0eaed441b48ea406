"""What people send us by SMS: `STOP`-type words suppress the sender's number, `START` lifts it."""

from datetime import datetime

from django.db import transaction

from clinic.messaging.models import Channel, Message, Suppression
from clinic.messaging.recipients import Recipient
from clinic.messaging.services import message_queue
from clinic.messaging.suppressions import (
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    sms_keyword,
    suppression_add,
    suppression_lift,
)


def sms_inbound_receive(
    *, from_number: str, body: str, provider_id: str, now: datetime | None = None
) -> str:
    """An SMS reply: STOP-type words suppress the number for SMS, START lifts that (SMS only).

    One confirmation text goes back, keyed by the provider's message id, so a webhook
    delivered twice confirms once, and a replayed one changes nothing. Returns what was
    done: "opted_out", "opted_in" or "ignored".
    """
    if not provider_id or _already_handled(provider_id):
        # The provider's signature carries no time: a captured START (or STOP) could be
        # posted again months later and undo a newer choice. Each MessageSid acts once, and
        # a webhook without one is not the provider's.
        return "ignored"
    keyword = sms_keyword(body)
    if keyword in OPT_OUT_KEYWORDS:
        action, purpose = "opted_out", "sms_opt_out_confirm"
    elif keyword in OPT_IN_KEYWORDS:
        action, purpose = "opted_in", "sms_opt_in_confirm"
    else:
        return "ignored"
    address = Recipient(channel=Channel.SMS, address=from_number).address
    sender = Recipient(channel=Channel.SMS, address=address, language=_last_language(address))
    with transaction.atomic():
        if action == "opted_out":
            suppression_add(
                channel=Channel.SMS,
                address=sender.address,
                source=Suppression.Source.SMS_STOP,
                now=now,
            )
        else:
            suppression_lift(channel=Channel.SMS, address=sender.address)
        message_queue(
            template=purpose,
            purpose=purpose,
            idempotency_key=_reply_key(provider_id),
            recipient=sender,
            context={},
        )
    return action


def _last_language(address: str) -> str:
    """The language of our latest text to this number: the reply is written in it too."""
    last = (
        Message.objects.filter(channel=Channel.SMS, recipient=address)
        .order_by("-created_at")
        .values_list("language", flat=True)
        .first()
    )
    return last or ""


def _reply_key(provider_id: str) -> str:
    return f"sms-inbound-{provider_id}"[:128]


def _already_handled(provider_id: str) -> bool:
    """The confirmation row keyed by this MessageSid is the record that it was handled."""
    return Message.objects.filter(
        idempotency_key=_reply_key(provider_id),
        purpose__in=["sms_opt_out_confirm", "sms_opt_in_confirm"],
    ).exists()
