"""Writing and sending messages: `message_queue` records one, `message_deliver` sends it.

Templates come as a trio per email (`templates/emails/<name>-subject.txt`, `-body.txt`,
`-body.html`) and one file per SMS (`templates/sms/<name>.txt`). A message is rendered when
it is queued and stored, so what was sent can always be read back from the log.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from clinic.messaging.models import Channel, Message
from clinic.messaging.sms import SmsError, get_sms_backend
from clinic.tasking import enqueue

logger = logging.getLogger(__name__)


def _render(*, channel: str, template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "site_url": settings.SITE_URL,
        **context,
    }
    if channel == Channel.SMS:
        return "", render_to_string(f"sms/{template}.txt", context).strip(), ""
    subject = render_to_string(f"emails/{template}-subject.txt", context)
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{template}-body.txt", context).strip() + "\n"
    html = render_to_string(f"emails/{template}-body.html", context)
    return subject, text, html


def message_queue(
    *,
    channel: str,
    template: str,
    purpose: str,
    idempotency_key: str,
    recipient: str,
    context: dict[str, Any],
    patient: Any = None,
    intake: Any = None,
    attachments: list[dict[str, str]] | None = None,
    unprompted: bool = False,
    not_before: Any = None,
) -> Message:
    """Record a message and send it after commit; a repeated call returns the first row."""
    existing = Message.objects.filter(purpose=purpose, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    subject, text, html = _render(channel=channel, template=template, context=context)
    message = Message(
        channel=channel,
        template=template,
        purpose=purpose,
        idempotency_key=idempotency_key,
        recipient=recipient,
        patient=patient,
        intake=intake,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=attachments or [],
        unprompted=unprompted,
        not_before=not_before or timezone.now(),
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # Another process queued the same purpose and key between our read and our write.
        return Message.objects.get(purpose=purpose, idempotency_key=idempotency_key)
    from clinic.messaging.tasks import message_send  # tasks import services

    if message.not_before <= timezone.now():
        enqueue(message_send, message.pk)
    return message


def message_deliver(*, message_id: int) -> Message:
    """Send one queued message exactly once; safe to call any number of times."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Message.Status.QUEUED or message.not_before > timezone.now():
            return message
        message.status = Message.Status.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])
    try:
        provider_id = _send(message)
    except SmsError as exc:
        return _mark_failed(message, str(exc), retry=not exc.permanent)
    except Exception as exc:  # an SMTP or provider error: keep the type, never the content
        logger.warning("message %s failed: %s", message.pk, type(exc).__name__)
        return _mark_failed(message, type(exc).__name__, retry=True)
    message.status = Message.Status.SENT
    message.provider_id = provider_id
    message.sent_at = timezone.now()
    message.error = ""
    message.save(update_fields=["status", "provider_id", "sent_at", "error"])
    return message


def _mark_failed(message: Message, error: str, *, retry: bool) -> Message:
    message.status = Message.Status.QUEUED if retry else Message.Status.FAILED
    message.error = error[:1000]
    message.save(update_fields=["status", "error"])
    return message


def _send(message: Message) -> str:
    if message.channel == Channel.SMS:
        return get_sms_backend().send(to=message.recipient, body=message.body_text)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.recipient],
        headers={"X-Stride-Message": str(message.pk)},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    email.send()
    return (getattr(email, "anymail_status", None) and str(email.anymail_status.message_id)) or ""
