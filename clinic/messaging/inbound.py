"""What people send us by SMS: `STOP`-type words suppress the sender's number, `START` lifts it."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from clinic.messaging.models import Channel, Suppression
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
    delivered twice confirms once. Returns what was done: "opted_out", "opted_in" or
    "ignored".
    """
    keyword = sms_keyword(body)
    if keyword in OPT_OUT_KEYWORDS:
        action, purpose = "opted_out", "sms_opt_out_confirm"
    elif keyword in OPT_IN_KEYWORDS:
        action, purpose = "opted_in", "sms_opt_in_confirm"
    else:
        return "ignored"
    sender = Recipient(channel=Channel.SMS, address=from_number)
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
            idempotency_key=(provider_id or f"{sender.address}-{timezone.now().isoformat()}")[:128],
            recipient=sender,
            context={},
        )
    return action
