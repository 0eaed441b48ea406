"""Who is reading: an OAuth2 client-credentials bearer token, and what its scopes allow.

Only a token that django-oauth-toolkit issued to a registered FHIR client opens FHIR: a
staff session, a patient's signed link or any other token is refused with 401.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from oauth2_provider.models import AccessToken, Application
from oauth2_provider.oauth2_backends import get_oauthlib_core

from fhir_api.errors import Forbidden, Unauthorized
from fhir_api.models import FhirClient
from fhir_api.scopes import may_read


@dataclass(frozen=True)
class Reader:
    client: FhirClient
    client_id: str
    scopes: frozenset[str]

    @property
    def audit_name(self) -> str:
        return f"oauth:{self.client_id}"[:150]

    def may_read(self, resource_type: str) -> bool:
        return may_read(self.scopes, resource_type)

    def require(self, resource_type: str) -> None:
        if not self.may_read(resource_type):
            raise Forbidden(f"This client's scopes do not allow reading {resource_type}.")


def authenticate(request: HttpRequest) -> Reader:
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        raise Unauthorized("A bearer token from /o/token/ (client credentials) is required.")
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token: AccessToken | None = getattr(oauth_request, "access_token", None)
    if not valid or token is None:
        raise Unauthorized("The bearer token is invalid or has expired.")
    application = token.application
    client = FhirClient.objects.filter(application=application).first() if application else None
    if (
        application is None
        or client is None
        or application.authorization_grant_type != Application.GRANT_CLIENT_CREDENTIALS
    ):
        raise Unauthorized("This token was not issued to a FHIR client.")
    # What the token was granted, less anything taken from the client since it was issued.
    scopes = frozenset(token.scope.split()) & frozenset(client.scope_list)
    return Reader(client=client, client_id=application.client_id, scopes=scopes)
