"""The FHIR interface's errors: each becomes an OperationOutcome with its HTTP status.

Shaped like the house's error family (a `status_code` and an issue code as class
attributes) so that they can join `clinic/errors.py` once it exists.
"""


class FhirError(Exception):
    status_code = 400
    issue_code = "invalid"  # http://hl7.org/fhir/issue-type

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(FhirError):
    status_code = 400
    issue_code = "invalid"


class NotSupported(FhirError):
    status_code = 400
    issue_code = "not-supported"


class Unauthorized(FhirError):
    status_code = 401
    issue_code = "login"


class Forbidden(FhirError):
    status_code = 403
    issue_code = "forbidden"


class NotFound(FhirError):
    status_code = 404
    issue_code = "not-found"


class MethodNotAllowed(FhirError):
    status_code = 405
    issue_code = "not-supported"
