"""The message log (one row per email or SMS, the unit of idempotency and of retries) and
the suppression list (who asked for no more messages on a channel)."""

from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class Message(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    channel = models.CharField(max_length=8, choices=Channel.choices)
    template = models.CharField(max_length=64)
    purpose = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=128)
    # The normalised address (E.164 phone, lower-cased email), as the suppression list keys it.
    recipient = models.CharField(max_length=254)
    # The recipient's IANA time zone for quiet hours; "" for the clinic's own people.
    recipient_zone = models.CharField(max_length=64, blank=True)
    # What the message is about, opaque to messaging ("intake:42"); the staff side resolves it.
    about = models.CharField(max_length=64, blank=True)
    # Where a text that failed for good is sent by email instead ("" for none).
    fallback_email = models.CharField(max_length=254, blank=True)
    # The language it was written in (settings.LANGUAGES); its email fallback uses it too.
    language = models.CharField(max_length=8, default="en")
    # Emails to patients carry a signed one-click opt-out; the clinic's own mail does not.
    opt_out_link = models.BooleanField(default=False)
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"filename", "mimetype", "content"}] with text content, e.g. an .ics invitation.
    attachments = models.JSONField(default=list, blank=True)
    unprompted = models.BooleanField(
        default=False, help_text="Sent on the clinic's initiative, not as a reply to the patient."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_id = models.CharField(max_length=128, blank=True)
    error = models.TextField(blank=True)
    not_before = models.DateTimeField(default=timezone.now)
    # When a send task was last published; the send-due scan republishes only stale ones.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # When a worker last claimed it; "sending" long after this means the worker died.
    attempted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A retried task or a repeated scan can never create a second message for one purpose.
            models.UniqueConstraint(
                fields=["purpose", "idempotency_key"], name="message_unique_purpose_key"
            ),
        ]
        indexes = [
            # The send-due scan: queued messages whose time has come.
            models.Index(
                fields=["not_before"],
                name="message_queued_due_idx",
                condition=models.Q(status="queued"),
            ),
            # Recovering messages whose worker died while sending.
            models.Index(
                fields=["attempted_at"],
                name="message_sending_idx",
                condition=models.Q(status="sending"),
            ),
            # At most one unprompted message a day: what one recipient (channel and address)
            # was sent today, read by `DailyAllowance` (clinic/messaging/allowance.py).
            models.Index(
                fields=["channel", "recipient", "attempted_at"],
                name="message_unprompted_to_idx",
                condition=models.Q(unprompted=True),
            ),
            # The staff intake page and the plan scan: the messages about one thing.
            models.Index(fields=["about"], name="message_about_idx"),
            # The message log lists failed first, newest first.
            models.Index(fields=["status", "-created_at"], name="message_status_created_idx"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.template} #{self.pk} ({self.status})"


class Suppression(models.Model):
    """An address that asked for no more messages on one channel, whichever intake it gave.

    Checked at send time for every message; lifted by `START` (SMS) or an explicit opt-in.
    """

    class Source(models.TextChoices):
        SMS_STOP = "sms_stop", "SMS STOP reply"
        EMAIL_LINK = "email_link", "Email opt-out link"
        STAFF = "staff", "Staff"
        PATIENT_RECORD = "patient_record", "Carried over from a patient record"

    channel = models.CharField(max_length=8, choices=Channel.choices)
    # Normalised: E.164 for a phone, stripped and lower-cased for an email.
    address = models.CharField(max_length=254)
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One row per address and channel; also the index the send-time check reads.
            models.UniqueConstraint(
                fields=["channel", "address"], name="suppression_unique_channel_address"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} suppression #{self.pk} ({self.source})"


class InboundSms(models.Model):
    """One provider message (`MessageSid`) the SMS webhook acted on, so a replay acts never.

    Twilio's signature carries no time: a captured START could be posted again months
    later. The unique constraint, not a read before the write, is the check: of two
    deliveries of one MessageSid, even simultaneous ones, exactly one inserts its row.
    No phone number or text is kept here.
    """

    provider_id = models.CharField(max_length=128)
    # What the reply did: "opted_out" or "opted_in".
    action = models.CharField(max_length=16)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider_id"], name="inbound_sms_unique_provider_id"),
        ]

    def __str__(self) -> str:
        return f"Inbound SMS #{self.pk} ({self.action})"
