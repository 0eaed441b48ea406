"""Every write of the FHIR interface: the audit of each read, and the bulk export's life.

An export is a row (`ExportJob`); its task takes the row's id, claims it, writes one NDJSON
file per type a chunk of rows at a time (memory stays flat in the number of rows), and
stores the files. A cancel marks the row; the running task sees it between chunks, stops
and removes what it wrote. Files are removed by a beat scan once they expire.
"""

import logging
import tempfile
from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic.tasking import enqueue
from dashboard.models import AuditEvent
from dashboard.services import audit_record
from fhir_api import tasks
from fhir_api.auth import Reader
from fhir_api.mappings import SOURCES, Filters
from fhir_api.models import ExportJob

logger = logging.getLogger(__name__)

# A running job whose worker died is taken up again after the task's hard time limit.
EXPORT_TIME_LIMIT = timedelta(hours=1)
REENQUEUE_AFTER = timedelta(minutes=2)
FINISHED = (ExportJob.Status.COMPLETE, ExportJob.Status.FAILED, ExportJob.Status.CANCELLED)


class ExportCancelled(Exception):
    pass


def fhir_read_audit(
    *, reader: Reader, object_type: str, ids: Iterable[str], ip_address: str | None
) -> None:
    """One audit row per FHIR answer that carried patient data: which client, which ids."""
    audit_record(
        actor=None,
        actor_name=reader.audit_name,
        action=AuditEvent.Action.FHIR_READ,
        object_type=object_type[:32],
        object_ids=list(ids),
        ip_address=ip_address,
    )


def export_job_start(
    *,
    reader: Reader,
    request_url: str,
    types: list[str],
    since: datetime | None,
    ip_address: str | None,
) -> ExportJob:
    with transaction.atomic():
        job = ExportJob.objects.create(
            client=reader.client,
            request_url=request_url,
            types=types,
            since=since,
            enqueued_at=timezone.now(),
        )
        audit_record(
            actor=None,
            actor_name=reader.audit_name,
            action=AuditEvent.Action.FHIR_EXPORT,
            object_type="$export",
            object_ids=[str(job.id)],
            ip_address=ip_address,
        )
        enqueue(tasks.export_run, str(job.id))
    return job


def export_job_cancel(*, job: ExportJob) -> None:
    """DELETE on the status URL: stop the job if it runs, and remove its files."""
    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        finished = locked.status in (ExportJob.Status.COMPLETE, ExportJob.Status.FAILED)
        locked.status = ExportJob.Status.CANCELLED
        locked.finished_at = locked.finished_at or timezone.now()
        locked.expires_at = timezone.now()
        locked.save(update_fields=["status", "finished_at", "expires_at"])
    if finished:
        _remove_files(locked)


def _claim(job_id: UUID) -> ExportJob | None:
    """Pending, or running on a worker that died: this worker takes it; else None."""
    now = timezone.now()
    stale = Q(status=ExportJob.Status.RUNNING, started_at__lt=now - EXPORT_TIME_LIMIT)
    claimed = ExportJob.objects.filter(
        Q(status=ExportJob.Status.PENDING) | stale, pk=job_id
    ).update(status=ExportJob.Status.RUNNING, started_at=now, transaction_time=now, progress="")
    return ExportJob.objects.get(pk=job_id) if claimed else None


def _cancelled(job_id: UUID) -> bool:
    return ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.CANCELLED).exists()


def _write_type(job: ExportJob, resource_type: str, filters: Filters) -> dict[str, object]:
    """Write one type's NDJSON to a temporary file line by line, then store it."""
    chunk = settings.FHIR_EXPORT_CHUNK_SIZE
    count = 0
    with tempfile.TemporaryFile(mode="w+b") as ndjson:
        for source in SOURCES[resource_type]:
            for resource in source.iterate(filters, chunk_size=chunk):
                ndjson.write(resource.model_dump_json().encode())
                ndjson.write(b"\n")
                count += 1
                if count % chunk == 0 and _cancelled(job.pk):
                    raise ExportCancelled
        ndjson.seek(0)
        path = default_storage.save(f"{job.storage_folder}/{resource_type}.ndjson", File(ndjson))
    return {"type": resource_type, "path": path, "count": count}


def export_run(*, job_id: UUID) -> None:
    job = _claim(job_id)
    if job is None:
        return
    filters = Filters(updated=(("gte", job.since),) if job.since else ())
    output: list[dict[str, object]] = []
    try:
        for number, resource_type in enumerate(job.types, start=1):
            ExportJob.objects.filter(pk=job.pk).update(
                progress=f"{resource_type} ({number} of {len(job.types)} types)"
            )
            written = _write_type(job, resource_type, filters)
            output.append(written)
            ExportJob.objects.filter(pk=job.pk).update(output=output)
    except ExportCancelled:
        job.output = output
        _remove_files(job)
        return
    except Exception:
        logger.exception("export %s failed", job.pk)
        now = timezone.now()
        ExportJob.objects.filter(pk=job.pk).exclude(status=ExportJob.Status.CANCELLED).update(
            status=ExportJob.Status.FAILED,
            error="The export failed; the clinic's logs have the details.",
            finished_at=now,
            expires_at=now + _ttl(),
        )
        return
    now = timezone.now()
    finished = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.COMPLETE,
        output=output,
        progress="done",
        finished_at=now,
        expires_at=now + _ttl(),
    )
    if not finished:  # cancelled while the last file was stored
        job.output = output
        _remove_files(job)


def _ttl() -> timedelta:
    return timedelta(hours=settings.FHIR_EXPORT_TTL_HOURS)


def _remove_files(job: ExportJob) -> None:
    for item in job.output:
        default_storage.delete(str(item["path"]))
    # Files of a type that was being written when the job stopped.
    for resource_type in job.types:
        default_storage.delete(f"{job.storage_folder}/{resource_type}.ndjson")


def exports_run_pending() -> int:
    """Beat: publish again the jobs whose task was lost (broker down, worker killed)."""
    now = timezone.now()
    lost = ExportJob.objects.filter(
        Q(status=ExportJob.Status.PENDING)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REENQUEUE_AFTER))
        | Q(status=ExportJob.Status.RUNNING, started_at__lt=now - EXPORT_TIME_LIMIT)
    ).values_list("pk", flat=True)[:100]
    ids = list(lost)
    for pk in ids:
        ExportJob.objects.filter(pk=pk).update(enqueued_at=now)
        with transaction.atomic():
            enqueue(tasks.export_run, str(pk))
    return len(ids)


def exports_expire() -> int:
    """Beat: remove the files of finished jobs past their expiry; the row stays, expired."""
    due = ExportJob.objects.filter(status__in=FINISHED, expires_at__lte=timezone.now())
    expired = 0
    for job in due.iterator(chunk_size=100):
        _remove_files(job)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, output=[])
        expired += 1
    return expired
