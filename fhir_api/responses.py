"""FHIR answers: a resource (always a library model) as application/fhir+json, or an error
as an OperationOutcome with the error's status."""

from django.http import HttpResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir_core.fhirabstractmodel import FHIRAbstractModel

from fhir_api.errors import FhirError, Unauthorized

FHIR_JSON = "application/fhir+json"


def resource_response(
    resource: FHIRAbstractModel, *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    return HttpResponse(
        resource.model_dump_json(), status=status, content_type=FHIR_JSON, headers=headers
    )


def operation_outcome(
    message: str, *, code: str = "invalid", severity: str = "error"
) -> OperationOutcome:
    return OperationOutcome(
        issue=[OperationOutcomeIssue(severity=severity, code=code, diagnostics=message)]
    )


def error_response(error: FhirError) -> HttpResponse:
    headers = {}
    if isinstance(error, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return resource_response(
        operation_outcome(error.message, code=error.issue_code),
        status=error.status_code,
        headers=headers,
    )
