"""The FHIR interface's errors: each becomes an OperationOutcome with its HTTP status.

Members of the house's one error family (`clinic.errors.ApplicationError`); the FHIR views
answer them themselves (`fhir_api.views.fhir_view`), as OperationOutcomes, with the issue
type of FHIR's value set as well as the house's `type`.
"""

from typing import ClassVar

from clinic.errors import ApplicationError


class FhirError(ApplicationError):
    type = "fhir_invalid"
    status_code = 400
    issue_code: ClassVar[str] = "invalid"  # http://hl7.org/fhir/issue-type

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(FhirError):
    type = "fhir_invalid"
    status_code = 400
    issue_code = "invalid"


class Unauthorized(FhirError):
    type = "fhir_unauthorized"
    status_code = 401
    issue_code = "login"


class Forbidden(FhirError):
    type = "fhir_forbidden"
    status_code = 403
    issue_code = "forbidden"


class NotFound(FhirError):
    type = "fhir_not_found"
    status_code = 404
    issue_code = "not-found"


class MethodNotAllowed(FhirError):
    type = "fhir_method_not_allowed"
    status_code = 405
    issue_code = "not-supported"
