"""django-oauth-toolkit's scopes backend: each client gets exactly the scopes of its row.

A token request for a scope the client was not given is refused at /o/token/ (invalid_scope);
a request that names none gets all of the client's scopes.
"""

from collections.abc import Collection
from typing import Any

from oauth2_provider.scopes import BaseScopes

from fhir_api.mappings import RESOURCE_TYPES

ALL_READ = "system/*.read"


def type_scope(resource_type: str) -> str:
    return f"system/{resource_type}.read"


def may_read(scopes: Collection[str], resource_type: str) -> bool:
    return ALL_READ in scopes or type_scope(resource_type) in scopes


class ClientScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        described = {ALL_READ: "Read every FHIR resource type"}
        described.update({type_scope(t): f"Read {t} resources" for t in RESOURCE_TYPES})
        return described

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        client = getattr(application, "fhir_client", None) if application else None
        if client is None:
            return []
        known = self.get_all_scopes()
        return [scope for scope in client.scope_list if scope in known]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return self.get_available_scopes(application, request)
