"""The FHIR R4 endpoints: metadata, read, search, Patient/$everything and bulk $export.

Plain Django views rather than DRF: the output schema is the FHIR model library's (every
answer is a library model), the input is a FHIR query string read strictly by search.py,
and every error is an OperationOutcome (`fhir_view`). Bearer tokens are the only credential,
so there is no ambient cookie to forge and the views are exempt from CSRF.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from fhir.resources.R4B.bundle import Bundle, BundleEntry

from clinic.http import client_ip
from fhir_api import bundles, selectors, services
from fhir_api.auth import Reader, authenticate
from fhir_api.capability import capability_statement
from fhir_api.errors import BadRequest, FhirError, Forbidden, MethodNotAllowed, NotFound
from fhir_api.mappings import PATIENT_TYPES, RESOURCE_TYPES
from fhir_api.mappings.common import base_url
from fhir_api.models import ExportJob
from fhir_api.responses import error_response, operation_outcome, resource_response
from fhir_api.search import parse_instant, parse_patient, parse_search

View = Callable[..., HttpResponseBase]
NDJSON_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}
EXPORT_PARAMS = {"_type", "_since", "_outputFormat"}


def fhir_view(*methods: str, public: bool = False) -> Callable[[View], View]:
    """Allow `methods`, authenticate the client (unless public), map FhirError to an outcome."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                if request.method not in methods:
                    raise MethodNotAllowed(f"{request.method} is not supported here.")
                if not public:
                    kwargs["reader"] = authenticate(request)
                return view(request, *args, **kwargs)
            except FhirError as error:
                return error_response(error)

        return wrapper

    return decorate


def _known_type(resource_type: str) -> None:
    if resource_type not in RESOURCE_TYPES:
        raise NotFound(f"{resource_type} is not a resource type this server serves.")


def _audit(request: HttpRequest, reader: Reader, object_type: str, ids: list[str]) -> None:
    services.fhir_read_audit(
        reader=reader, object_type=object_type, ids=ids, ip_address=client_ip(request)
    )


@fhir_view("GET", public=True)
def metadata(request: HttpRequest) -> HttpResponse:
    return resource_response(capability_statement())


@fhir_view("GET")
def resource_search(request: HttpRequest, resource_type: str, *, reader: Reader) -> HttpResponse:
    _known_type(resource_type)
    reader.require(resource_type)
    search = parse_search(request.GET, allows_patient=resource_type in PATIENT_TYPES)
    total, page = selectors.resource_search(
        resource_type=resource_type,
        filters=search.filters,
        offset=search.offset,
        count=search.count,
    )
    _audit(request, reader, resource_type, [str(r.id) for r in page])
    bundle = bundles.searchset(
        path=f"/{resource_type}",
        query=request.GET,
        resources=page,
        total=total,
        offset=search.offset,
        count=search.count,
    )
    return resource_response(bundle)


@fhir_view("GET")
def resource_read(
    request: HttpRequest, resource_type: str, resource_id: str, *, reader: Reader
) -> HttpResponse:
    _known_type(resource_type)
    reader.require(resource_type)
    resource = selectors.resource_read(resource_type=resource_type, resource_id=resource_id)
    _audit(request, reader, resource_type, [resource_id])
    return resource_response(resource)


@fhir_view("GET")
def patient_everything(request: HttpRequest, resource_id: str, *, reader: Reader) -> HttpResponse:
    """Patient/{id}/$everything: the patient's compartment, as far as the scopes reach."""
    reader.require("Patient")
    if set(request.GET) - {"_format"}:
        raise BadRequest("$everything takes no parameters here.")
    resources = selectors.patient_everything(
        patient_pk=parse_patient(resource_id),
        resource_types=[t for t in PATIENT_TYPES if reader.may_read(t)],
    )
    _audit(request, reader, "Patient/$everything", [str(r.id) for r in resources])
    bundle = Bundle(
        type="searchset",
        total=len(resources),
        link=[{"relation": "self", "url": f"{base_url()}/Patient/{resource_id}/$everything"}],
        entry=[
            BundleEntry(
                fullUrl=f"{base_url()}/{r.get_resource_type()}/{r.id}",
                resource=r,
                search={"mode": "match"},
            )
            for r in resources
        ],
    )
    return resource_response(bundle)


def _export_types(request: HttpRequest, reader: Reader) -> list[str]:
    named = [t.strip() for v in request.GET.getlist("_type") for t in v.split(",") if t.strip()]
    for resource_type in named:
        if resource_type not in RESOURCE_TYPES:
            raise BadRequest(f"_type names {resource_type}, which this server does not export.")
        reader.require(resource_type)
    types = list(dict.fromkeys(named)) or [t for t in RESOURCE_TYPES if reader.may_read(t)]
    if not types:
        raise Forbidden("This client's scopes allow no resource type.")
    return types


@fhir_view("GET")
def export_kick_off(request: HttpRequest, *, reader: Reader) -> HttpResponse:
    """GET $export (Bulk Data Access): 202 and a status URL in Content-Location."""
    if "respond-async" not in request.headers.get("Prefer", ""):
        raise BadRequest("$export needs the header Prefer: respond-async.")
    unknown = sorted(set(request.GET) - EXPORT_PARAMS)
    if unknown:
        raise BadRequest(f"Unsupported $export parameter(s): {', '.join(unknown)}.")
    if request.GET.get("_outputFormat", "application/fhir+ndjson") not in NDJSON_FORMATS:
        raise BadRequest("Only NDJSON (application/fhir+ndjson) is exported.")
    since = request.GET.get("_since")
    job = services.export_job_start(
        reader=reader,
        request_url=request.build_absolute_uri(),
        types=_export_types(request, reader),
        since=parse_instant(since, name="_since") if since else None,
        ip_address=client_ip(request),
    )
    outcome = operation_outcome(
        "The export has started.", code="informational", severity="information"
    )
    return resource_response(outcome, status=202, headers={"Content-Location": _status_url(job)})


def _status_url(job: ExportJob) -> str:
    return f"{base_url()}/$export-status/{job.id}"


def _job(reader: Reader, job_id: UUID) -> ExportJob:
    job = ExportJob.objects.filter(pk=job_id, client=reader.client).first()
    if job is None or job.status in (ExportJob.Status.CANCELLED, ExportJob.Status.EXPIRED):
        raise NotFound("No such export (it may have been cancelled or have expired).")
    return job


def _manifest(job: ExportJob) -> dict[str, Any]:
    return {
        "transactionTime": job.transaction_time.isoformat() if job.transaction_time else None,
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": item["type"],
                "url": f"{base_url()}/$export-files/{job.id}/{item['type']}.ndjson",
                "count": item["count"],
            }
            for item in job.output
            if item["count"]
        ],
        "error": [],
    }


@fhir_view("GET", "DELETE")
def export_status(request: HttpRequest, job_id: UUID, *, reader: Reader) -> HttpResponse:
    job = _job(reader, job_id)
    if request.method == "DELETE":
        services.export_job_cancel(job=job)
        return resource_response(
            operation_outcome(
                "The export is cancelled.", code="informational", severity="information"
            ),
            status=202,
        )
    if job.status in (ExportJob.Status.PENDING, ExportJob.Status.RUNNING):
        response = HttpResponse(status=202)
        response["X-Progress"] = job.progress or job.status
        response["Retry-After"] = "2"
        return response
    if job.status == ExportJob.Status.FAILED:
        return resource_response(operation_outcome(job.error, code="exception"), status=500)
    response = JsonResponse(_manifest(job))
    if job.expires_at:
        response["Expires"] = job.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


@fhir_view("GET")
def export_file(
    request: HttpRequest, job_id: UUID, resource_type: str, *, reader: Reader
) -> HttpResponseBase:
    job = _job(reader, job_id)
    item = next((i for i in job.output if i["type"] == resource_type), None)
    if job.status != ExportJob.Status.COMPLETE or item is None:
        raise NotFound("No such export file.")
    _audit(request, reader, f"$export-file:{resource_type}", [str(job.id)])
    return FileResponse(
        default_storage.open(str(item["path"]), "rb"), content_type="application/fhir+ndjson"
    )
