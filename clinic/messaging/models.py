"""The message log: one row per email or SMS, the unit of idempotency and of retries."""

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
    recipient = models.CharField(max_length=254)
    patient = models.ForeignKey(
        "intake.Patient", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    intake = models.ForeignKey(
        "intake.Intake", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
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
            # At most one unprompted message a day: what a patient was sent recently.
            models.Index(
                fields=["patient", "attempted_at"],
                name="message_unprompted_idx",
                condition=models.Q(unprompted=True),
            ),
            # The message log lists failed first, newest first.
            models.Index(fields=["status", "-created_at"], name="message_status_created_idx"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.template} #{self.pk} ({self.status})"
