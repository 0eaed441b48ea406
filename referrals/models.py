"""Referrals: a case the clinicians must look at (urgent, not improving, second opinion)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Referral(models.Model):
    class Reason(models.TextChoices):
        URGENT = "urgent", "Urgent warning signs"
        NOT_IMPROVING = "not_improving", "Not improving at follow-up"
        SECOND_OPINION = "second_opinion", "Second opinion booked"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

    intake = models.ForeignKey("intake.Intake", on_delete=models.CASCADE, related_name="referrals")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One referral per reason per intake: a repeated follow-up answer or alert
            # cannot create a second one.
            models.UniqueConstraint(fields=["intake", "reason"], name="referral_unique_reason"),
        ]
        indexes = [
            models.Index(fields=["reason", "status", "-created_at"], name="referral_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} referral for intake #{self.intake_id}"
