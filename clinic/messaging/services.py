"""Writing and sending messages: `message_queue` records one, `message_send` sends it.

Templates come as a trio per email (`templates/emails/<name>-subject.txt`, `-body.txt`,
`-body.html`) and one file per SMS (`templates/sms/<name>.txt`). A message is rendered when
it is queued and stored, so what was sent can always be read back from the log.

Sending rules, all checked at send time against the database (see docs/messaging.md):
opt-out and consent; quiet hours and at most one unprompted message a day per patient;
provider errors retried with backoff and jitter, then failed with an email fallback; the
status row makes a repeated task a no-op. `messages_send_due` (beat, every minute)
republishes whatever the broker lost.
"""

import logging
import random
import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clinic.links import link_token_make
from clinic.messaging.models import Channel, Message
from clinic.messaging.quiet_hours import local_day_bounds, quiet_hours_next_allowed
from clinic.messaging.sms import SmsError, get_sms_backend
from clinic.tasking import enqueue
from intake.models import Patient

logger = logging.getLogger(__name__)

OPT_OUT_LINK_PURPOSE = "opt_out"
# Replies to the patient's own STOP/START: sent even though the patient has just opted out.
ALWAYS_SENT_PURPOSES = frozenset({"sms_opt_out_confirm", "sms_opt_in_confirm"})
# Carrier-standard opt-out words, compared without case, spaces or punctuation.
OPT_OUT_KEYWORDS = frozenset(
    {"STOP", "STOPALL", "QUIT", "END", "REVOKE", "OPTOUT", "CANCEL", "UNSUBSCRIBE"}
)
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP"})


def opt_out_url(patient_id: int) -> str:
    """The signed one-click opt-out link carried by every patient email."""
    token = link_token_make(purpose=OPT_OUT_LINK_PURPOSE, object_id=patient_id)
    return settings.SITE_URL + reverse("messaging:opt_out", args=[token])


def _render(
    *, channel: str, template: str, context: dict[str, Any], patient_id: int | None
) -> tuple[str, str, str]:
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
    if patient_id is not None:
        # Every email to a patient carries the opt-out, whichever template it came from.
        footer = {"opt_out_url": opt_out_url(patient_id), **context}
        text += "\n" + render_to_string("emails/_opt_out_footer.txt", footer).strip() + "\n"
        html_footer = render_to_string("emails/_opt_out_footer.html", footer)
        html = (
            html.replace("</body>", html_footer + "</body>", 1)
            if "</body>" in html
            else html + html_footer
        )
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
    not_before: datetime | None = None,
) -> Message:
    """Record a message and send it after commit; a repeated call returns the first row.

    An unprompted message to a patient never starts inside their quiet hours.
    """
    (message,) = messages_queue(
        [
            {
                "channel": channel,
                "template": template,
                "purpose": purpose,
                "idempotency_key": idempotency_key,
                "recipient": recipient,
                "context": context,
                "patient": patient,
                "intake": intake,
                "attachments": attachments,
                "unprompted": unprompted,
                "not_before": not_before,
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
    patient = item.get("patient")
    not_before = item.get("not_before") or now
    if item.get("unprompted") and patient is not None:
        not_before = quiet_hours_next_allowed(at=not_before, zone=patient.timezone)
    subject, text, html = _render(
        channel=item["channel"],
        template=item["template"],
        context=item["context"],
        patient_id=patient.pk if patient is not None else None,
    )
    return Message(
        channel=item["channel"],
        template=item["template"],
        purpose=item["purpose"],
        idempotency_key=item["idempotency_key"],
        recipient=item["recipient"],
        patient=patient,
        intake=item.get("intake"),
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
            Message.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("patient")
            .filter(pk__in=message_ids, status=Message.Status.QUEUED, not_before__lte=now)
            .order_by("pk")
        )
        allowance = _Allowance(claimed, now)
        sending = []
        for message in claimed:
            refusal = _refusal(message)
            later = None if refusal or not message.unprompted else allowance.later(message)
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


class _Allowance:
    """One unprompted message per patient per local day, decided for a whole batch at once.

    The batch's patients are locked (in id order, so two workers never deadlock) and the
    day's earlier sends read in one query; a message let through here uses the allowance
    for the rest of the batch too.
    """

    def __init__(self, messages: list[Message], now: datetime) -> None:
        self.now = now
        unprompted = [m for m in messages if m.unprompted and m.patient_id is not None]
        patient_ids = sorted({m.patient_id for m in unprompted})
        self.earlier: list[tuple[Any, str, str, datetime]] = []
        if not unprompted:
            return
        list(Patient.objects.select_for_update().filter(pk__in=patient_ids).order_by("pk"))
        starts, ends = zip(
            *(local_day_bounds(at=now, zone=m.patient.timezone) for m in unprompted), strict=True
        )
        earlier = Message.objects.filter(
            Q(patient_id__in=patient_ids) | Q(recipient__in={m.recipient for m in unprompted}),
            unprompted=True,
            status__in=[Message.Status.SENDING, Message.Status.SENT],
            attempted_at__gte=min(starts),
            attempted_at__lt=max(ends),
        ).values_list("patient_id", "channel", "recipient", "attempted_at")
        self.earlier = list(earlier)

    def later(self, message: Message) -> datetime | None:
        """When an unprompted message must wait: quiet hours, or today's one is used."""
        patient = message.patient
        if patient is None:
            return None
        opens = quiet_hours_next_allowed(at=self.now, zone=patient.timezone)
        if opens > self.now:
            return opens
        day_start, day_end = local_day_bounds(at=self.now, zone=patient.timezone)
        used_today = any(
            (
                patient_id == patient.pk
                or (channel, recipient) == (message.channel, message.recipient)
            )
            and day_start <= attempted_at < day_end
            for patient_id, channel, recipient, attempted_at in self.earlier
        )
        if used_today:
            return quiet_hours_next_allowed(at=day_end, zone=patient.timezone)
        self.earlier.append((patient.pk, message.channel, message.recipient, self.now))
        return None


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


def _refusal(message: Message) -> str:
    """Why this message must not go out now, or "" (opt-out and consent, at send time)."""
    patient = message.patient
    if patient is None or message.purpose in ALWAYS_SENT_PURPOSES:
        return ""
    if patient.opted_out_at is not None:
        return "patient opted out"
    if message.unprompted and not patient.consent_follow_up:
        return "no consent to unprompted messages"
    return ""


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
    """A text that failed for good goes by email instead, when the patient gave one."""
    patient = message.patient
    if message.channel != Channel.SMS or patient is None or not patient.email:
        return None
    return message_queue(
        channel=Channel.EMAIL,
        template="message_fallback",
        purpose=message.purpose,
        idempotency_key=f"{message.idempotency_key}:email-fallback"[:128],
        recipient=patient.email,
        context={"text": message.body_text, "first_name": patient.first_name},
        patient=patient,
        intake=message.intake,
        unprompted=message.unprompted,
    )


def _provider_send(message: Message) -> str:
    if message.channel == Channel.SMS:
        return get_sms_backend().send(
            to=message.recipient, body=message.body_text, idempotency_key=message.idempotency_key
        )
    headers = {"X-Stride-Message": str(message.pk)}
    if message.patient_id is not None:
        # RFC 8058 one-click unsubscribe: mail clients POST to the same signed link.
        headers["List-Unsubscribe"] = f"<{opt_out_url(message.patient_id)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.recipient],
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    email.send()
    return (getattr(email, "anymail_status", None) and str(email.anymail_status.message_id)) or ""


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


# --- Patients opting out and back in ------------------------------------------------------


def sms_keyword(body: str) -> str:
    """The reply reduced to letters, upper case: " opt  out. " ⇒ "OPTOUT"."""
    return re.sub(r"[^A-Za-z]", "", body or "").upper()


def patient_opt_out(*, patients: Any, now: datetime | None = None) -> int:
    """Stop every message to these patients (a queryset); returns how many were opted out."""
    now = now or timezone.now()
    with transaction.atomic():
        return patients.filter(opted_out_at__isnull=True).update(opted_out_at=now)


def patient_opt_in(*, patients: Any) -> int:
    with transaction.atomic():
        return patients.filter(opted_out_at__isnull=False).update(opted_out_at=None)


def patient_opt_out_by_link(*, patient_id: int, now: datetime | None = None) -> int:
    """The email link: this patient, and every other record with the same email address."""
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None:
        return 0
    same_person = Q(pk=patient.pk) | (Q(email__iexact=patient.email) if patient.email else Q())
    return patient_opt_out(patients=Patient.objects.filter(same_person), now=now)


def sms_inbound_receive(
    *, from_number: str, body: str, provider_id: str, now: datetime | None = None
) -> str:
    """An SMS reply from a patient: STOP-type words opt out, START opts back in.

    Every patient record with that number is changed, and one confirmation text goes back
    (keyed by the provider's message id, so a webhook delivered twice confirms once).
    Returns what was done: "opted_out", "opted_in" or "ignored".
    """
    keyword = sms_keyword(body)
    if keyword in OPT_OUT_KEYWORDS:
        action, purpose, template = "opted_out", "sms_opt_out_confirm", "sms_opt_out_confirm"
    elif keyword in OPT_IN_KEYWORDS:
        action, purpose, template = "opted_in", "sms_opt_in_confirm", "sms_opt_in_confirm"
    else:
        return "ignored"
    with transaction.atomic():
        patients = Patient.objects.filter(phone=from_number)
        if action == "opted_out":
            patient_opt_out(patients=patients, now=now)
        else:
            patient_opt_in(patients=patients)
        newest = patients.order_by("-created_at").first()
        message_queue(
            channel=Channel.SMS,
            template=template,
            purpose=purpose,
            idempotency_key=(provider_id or f"{from_number}-{timezone.now().isoformat()}")[:128],
            recipient=from_number,
            context={},
            patient=newest,
        )
    return action
