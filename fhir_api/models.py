"""Who may read (an OAuth2 client and its scopes) and the bulk exports they started."""

import uuid

from django.db import models
from django.utils import timezone
from oauth2_provider.models import Application


class FhirClient(models.Model):
    """A system of the clinic's (an EHR, a partner) allowed to read FHIR, with its scopes.

    The OAuth2 application holds the credentials; this row holds what it may read:
    `system/*.read`, or `system/<Type>.read` per type, space-separated.
    """

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="fhir_client"
    )
    scopes = models.TextField(help_text="Space-separated, e.g. system/*.read")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.application.name or self.application.client_id

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class ExportJob(models.Model):
    """One system-level $export. The row is the schedule: a beat scan re-enqueues a pending
    job whose task was lost, and another removes the files once the job expires."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(FhirClient, on_delete=models.CASCADE, related_name="exports")
    request_url = models.TextField()
    types = models.JSONField(default=list)
    since = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.CharField(max_length=64, blank=True)
    # [{"type", "path", "count"}]: where each NDJSON file is in storage, and its line count.
    output = models.JSONField(default=list)
    error = models.TextField(blank=True)
    transaction_time = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The re-enqueue scan: pending jobs by when they were last published.
            models.Index(
                fields=["enqueued_at"],
                name="export_pending_idx",
                condition=models.Q(status="pending"),
            ),
            # The expiry scan: finished jobs whose files are due to go.
            models.Index(
                fields=["expires_at"],
                name="export_expiry_idx",
                condition=models.Q(status__in=["complete", "failed", "cancelled"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Export {self.id} ({self.status})"

    @property
    def storage_folder(self) -> str:
        return f"fhir-exports/{self.id}"
