"""What people send us by SMS: `STOP`-type words suppress the sender's number, `START` lifts it."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.messaging.models import Channel, InboundSms, Message, Suppression
from clinic.messaging.recipients import Recipient
from clinic.messaging.services import message_queue
from clinic.messaging.suppressions import (
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    sms_keyword,
    suppression_add,
    suppression_lift,
)

PROVIDER_ID_MAX_LENGTH = InboundSms._meta.get_field("provider_id").max_length or 128


def sms_inbound_receive(
    *, from_number: str, body: str, provider_id: str, now: datetime | None = None
) -> str:
    """An SMS reply: STOP-type words suppress the number for SMS, START lifts that (SMS only).

    Each provider message id (`MessageSid`) acts once: its `InboundSms` row is inserted
    first, and the unique constraint refuses a replay or a retried webhook (a webhook
    without one is not the provider's). One confirmation text goes back, keyed by the
    message id. Returns what was done: "opted_out", "opted_in" or "ignored".
    """
    if not provider_id or len(provider_id) > PROVIDER_ID_MAX_LENGTH:
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
        if not _first_delivery(provider_id, action=action, now=now):
            return "ignored"
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


def _first_delivery(provider_id: str, *, action: str, now: datetime | None) -> bool:
    """Record this MessageSid; False if it was already recorded (a replay or a retry).

    A simultaneous second delivery waits on the first one's uncommitted row, then fails
    the unique constraint: it acts only if the first rolled back.
    """
    try:
        with transaction.atomic():
            InboundSms.objects.create(
                provider_id=provider_id, action=action, received_at=now or timezone.now()
            )
    except IntegrityError:
        return False
    return True
