"""The message pipeline: `message_queue` records one, `message_send` sends it once,
`messages_send_due` (beat, every minute) republishes whatever the broker lost.

Callers pass a `Recipient` (channel, normalised address, time zone) and an opaque `about`
reference; messaging knows no app. Consent is the caller's check (it decides whether to
queue at all). Sending rules, all checked at send time against the database (see
docs/messaging.md): the suppression list, for every message; quiet hours and at most one
unprompted message a day per recipient (one with a zone: a patient, not the clinic's own
people); provider errors retried with backoff and jitter, then failed with an email
fallback; the status row makes a repeated task a no-op.
"""

import logging
import random
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from clinic.languages import language_supported
from clinic.messaging.allowance import DailyAllowance, DailyCap
from clinic.messaging.models import Channel, Message
from clinic.messaging.quiet_hours import quiet_hours_next_allowed
from clinic.messaging.recipients import Recipient
from clinic.messaging.rendering import message_render, opt_out_link_fill
from clinic.messaging.sms import SmsError, get_sms_backend
from clinic.messaging.suppressions import opt_out_url, suppressed_among
from clinic.tasking import enqueue

logger = logging.getLogger(__name__)

# Replies to someone's own STOP/START: sent even though they have just opted out.
ALWAYS_SENT_PURPOSES = frozenset({"sms_opt_out_confirm", "sms_opt_in_confirm"})


def message_queue(
    *,
    template: str,
    purpose: str,
    idempotency_key: str,
    recipient: Recipient,
    context: dict[str, Any],
    about: str = "",
    attachments: list[dict[str, str]] | None = None,
    unprompted: bool = False,
    not_before: datetime | None = None,
    opt_out_link: bool = True,
) -> Message:
    """Record a message and send it after commit; a repeated call returns the first row.

    `about` is an opaque reference for the log ("intake:42"). An unprompted message to a
    recipient with a zone (a patient) never starts inside their quiet hours. `opt_out_link`
    (emails only): False for the clinic's own mail (staff alerts, clinicians' notices).
    """
    (message,) = messages_queue(
        [
            {
                "template": template,
                "purpose": purpose,
                "idempotency_key": idempotency_key,
                "recipient": recipient,
                "context": context,
                "about": about,
                "attachments": attachments,
                "unprompted": unprompted,
                "not_before": not_before,
                "opt_out_link": opt_out_link,
            }
        ]
    )
    return message


def messages_queue(items: list[dict[str, Any]]) -> list[Message]:
    """`message_queue` for many messages at once (the follow-up scan's batches).

    Each item holds message_queue's arguments. Two queries whatever the count: one finds
    the keys already queued (those rows are returned as they are), one INSERTs the rest.
    """
    keys = {(item["purpose"], item["idempotency_key"]) for item in items}
    existing = {
        (m.purpose, m.idempotency_key): m
        for m in Message.objects.filter(
            purpose__in={p for p, _ in keys}, idempotency_key__in={k for _, k in keys}
        )
        if (m.purpose, m.idempotency_key) in keys
    }
    now = timezone.now()
    fresh: dict[tuple[str, str], Message] = {}
    for item in items:
        key = (item["purpose"], item["idempotency_key"])
        if key not in existing and key not in fresh:
            fresh[key] = _message_build(item, now=now)
    if fresh:
        try:
            with transaction.atomic():
                Message.objects.bulk_create(list(fresh.values()))
        except IntegrityError:
            # Another process queued one of these keys between our read and our write.
            return [_message_queue_one(item, now=now) for item in items]
        for message in fresh.values():
            if message.enqueued_at is not None:
                _publish_after_commit(message.pk)
    keys_in_order = [(item["purpose"], item["idempotency_key"]) for item in items]
    return [existing.get(key) or fresh[key] for key in keys_in_order]


def _message_build(item: dict[str, Any], *, now: datetime) -> Message:
    recipient: Recipient = item["recipient"]
    not_before = item.get("not_before") or now
    if item.get("unprompted") and recipient.zone:
        not_before = quiet_hours_next_allowed(at=not_before, zone=recipient.zone)
    opt_out_link = recipient.channel == Channel.EMAIL and item.get("opt_out_link", True)
    language = language_supported(recipient.language)
    subject, text, html = message_render(
        channel=recipient.channel,
        template=item["template"],
        context=item["context"],
        opt_out_link=opt_out_link,
        language=language,
    )
    return Message(
        channel=recipient.channel,
        template=item["template"],
        purpose=item["purpose"],
        idempotency_key=item["idempotency_key"],
        recipient=recipient.address,
        recipient_zone=recipient.zone,
        fallback_email=recipient.fallback_email,
        language=language,
        about=item.get("about") or "",
        opt_out_link=opt_out_link,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=item.get("attachments") or [],
        unprompted=bool(item.get("unprompted")),
        not_before=not_before,
        enqueued_at=now if not_before <= now else None,
        created_at=now,
    )


def _message_queue_one(item: dict[str, Any], *, now: datetime) -> Message:
    found = Message.objects.filter(
        purpose=item["purpose"], idempotency_key=item["idempotency_key"]
    ).first()
    if found is not None:
        return found
    message = _message_build(item, now=now)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return Message.objects.get(purpose=item["purpose"], idempotency_key=item["idempotency_key"])
    if message.enqueued_at is not None:
        _publish_after_commit(message.pk)
    return message


def _publish_after_commit(message_id: int) -> None:
    from clinic.messaging.tasks import message_send  # tasks import services

    enqueue(message_send, message_id)


def message_send(*, message_id: int, now: datetime | None = None) -> Message | None:
    """Send one queued message at most once; safe to call any number of times.

    Returns the row as it stands afterwards (None if it no longer exists). A message left
    `queued` with a `not_before` in the future is waiting: for a retry, quiet hours, or
    the next day's allowance.
    """
    messages_send(message_ids=[message_id], now=now)
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        logger.info("message %s no longer exists", message_id)
    return message


def messages_send(*, message_ids: list[int], now: datetime | None = None) -> list[Message]:
    """Send each of these queued messages at most once; returns those that were attempted.

    One transaction claims the lot (rows another worker holds are skipped, not waited
    for) and marks them `sending`; then each goes to the provider and is marked `sent` (or
    failed) on its own, so a worker that dies mid-batch leaves at most one text in doubt.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk__in=message_ids, status=Message.Status.QUEUED, not_before__lte=now)
            .order_by("pk")
        )
        cap = DailyCap(claimed, now)  # first: it takes the recipients' locks in one order
        allowance = DailyAllowance(claimed, now)
        refusals = _refusals(claimed)
        sending = []
        for message in claimed:
            refusal = refusals.get(message.pk, "")
            later = None if refusal or not message.unprompted else allowance.later(message)
            if not refusal and later is None:
                refusal = cap.refusal(message)
            if refusal:
                message.status = Message.Status.SKIPPED
                message.error = refusal
                message.save(update_fields=["status", "error"])
            elif later is not None:
                message.not_before = later
                message.enqueued_at = None
                message.save(update_fields=["not_before", "enqueued_at"])
            else:
                message.status = Message.Status.SENDING
                message.attempts += 1
                message.attempted_at = now
                sending.append(message)
        # The usual case, every claimed message going out: one UPDATE for the batch.
        Message.objects.filter(pk__in=[m.pk for m in sending]).update(
            status=Message.Status.SENDING, attempts=F("attempts") + 1, attempted_at=now
        )
    for message in sending:
        _send_one(message, now=now)
    return sending


def _refusals(messages: list[Message]) -> dict[int, str]:
    """Why each message must not go out (its id -> reason): the suppression list. One query."""
    checked = [m for m in messages if m.purpose not in ALWAYS_SENT_PURPOSES]
    suppressed = suppressed_among((m.channel, m.recipient) for m in checked)
    return {m.pk: "recipient opted out" for m in checked if (m.channel, m.recipient) in suppressed}


def _send_one(message: Message, *, now: datetime) -> Message:
    try:
        provider_id = _provider_send(message)
    except SmsError as exc:
        logger.warning("message %s: provider error (permanent=%s)", message.pk, exc.permanent)
        return _mark_failed(message, str(exc), permanent=exc.permanent, now=now)
    except Exception as exc:  # an SMTP or provider error: keep the type, never the content
        logger.warning("message %s failed: %s", message.pk, type(exc).__name__)
        return _mark_failed(message, type(exc).__name__, permanent=False, now=now)
    message.status = Message.Status.SENT
    message.provider_id = provider_id[:128]
    message.sent_at = timezone.now()
    message.error = ""
    message.save(update_fields=["status", "provider_id", "sent_at", "error"])
    return message


def message_retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter: 30 s, 60 s, 120 s… capped, each drawn in [½, 1]×."""
    ceiling = min(
        settings.MESSAGE_RETRY_MAX_SECONDS,
        settings.MESSAGE_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
    )
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 - jitter


def _mark_failed(message: Message, error: str, *, permanent: bool, now: datetime) -> Message:
    message.error = error[:1000]
    if permanent or message.attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        message.status = Message.Status.FAILED
        message.save(update_fields=["status", "error"])
        _fallback_email_queue(message)
        return message
    message.status = Message.Status.QUEUED
    message.not_before = now + message_retry_delay(message.attempts)
    # The task republishes itself for this time; the scan only steps in if that is lost.
    message.enqueued_at = message.not_before
    message.save(update_fields=["status", "error", "not_before", "enqueued_at"])
    return message


def _fallback_email_queue(message: Message) -> Message | None:
    """A text that failed for good goes by email instead, when the caller gave an address."""
    if message.channel != Channel.SMS or not message.fallback_email:
        return None
    return message_queue(
        template="message_fallback",
        purpose=message.purpose,
        idempotency_key=f"{message.idempotency_key}:email-fallback"[:128],
        recipient=Recipient(
            channel=Channel.EMAIL,
            address=message.fallback_email,
            zone=message.recipient_zone,
            language=message.language,
        ),
        context={"text": message.body_text},
        about=message.about,
        unprompted=message.unprompted,
    )


def _provider_send(message: Message) -> str:
    if message.channel == Channel.SMS:
        return get_sms_backend().send(
            to=message.recipient, body=message.body_text, idempotency_key=message.idempotency_key
        )
    headers = {"X-Stride-Message": str(message.pk)}
    if message.opt_out_link:
        # RFC 8058 one-click unsubscribe: mail clients POST to the same signed link.
        headers["List-Unsubscribe"] = f"<{opt_out_url(message.pk)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=opt_out_link_fill(message.body_text, message_id=message.pk),
        to=[message.recipient],
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(
            opt_out_link_fill(message.body_html, message_id=message.pk), "text/html"
        )
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    email.send()
    # Anymail's backends set `anymail_status` on the message; Django's own backends do not.
    status = getattr(email, "anymail_status", None)
    return str(status.message_id) if status else ""


def messages_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Beat, every minute: publish queued messages whose time has come and the broker lost.

    Also puts back in the queue any message left `sending` by a worker that died. Returns
    how many messages were published.
    """
    now = now or timezone.now()
    with transaction.atomic():
        recovered = Message.objects.filter(
            status=Message.Status.SENDING, attempted_at__lt=now - settings.MESSAGE_SENDING_STALE
        ).update(status=Message.Status.QUEUED, error="worker lost while sending")
        if recovered:
            logger.warning("%s messages recovered from a lost worker", recovered)
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Message.Status.QUEUED, not_before__lte=now)
            .filter(
                Q(enqueued_at__isnull=True)
                | Q(enqueued_at__lte=now - settings.MESSAGE_REENQUEUE_AFTER)
            )
            .order_by("not_before")
            .values_list("pk", flat=True)[:limit]
        )
        Message.objects.filter(pk__in=ids).update(enqueued_at=now)
        for message_id in ids:
            _publish_after_commit(message_id)
    return len(ids)
