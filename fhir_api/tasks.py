"""Thin Celery tasks of the FHIR interface: run one export (by id) and the two beat scans.

The services are imported inside the tasks: fhir_api.services enqueues these tasks (the one
lazy import the layers allow).
"""

from uuid import UUID

from celery import shared_task

# An export of the whole clinic may take minutes: far above the default task limits.
EXPORT_SOFT_LIMIT = 55 * 60
EXPORT_HARD_LIMIT = 60 * 60


@shared_task(
    name="fhir_api.export_run", soft_time_limit=EXPORT_SOFT_LIMIT, time_limit=EXPORT_HARD_LIMIT
)
def export_run(job_id: str) -> None:
    from fhir_api.services import export_run as run

    run(job_id=UUID(job_id))


@shared_task(name="fhir_api.exports_run_pending")
def exports_run_pending() -> int:
    from fhir_api.services import exports_run_pending as scan

    return scan()


@shared_task(name="fhir_api.exports_expire")
def exports_expire() -> int:
    from fhir_api.services import exports_expire as scan

    return scan()
