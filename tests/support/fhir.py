"""The FHIR tests' helpers: a registered client, its token, reads, and validation of every
resource with the FHIR model library."""

import json
from typing import Any

from django.core.management import call_command
from django.test import Client
from fhir.resources.R4B import get_fhir_model_class

BASE = "/fhir/R4"


def make_client(name: str = "Clinic EHR", scopes: str = "system/*.read") -> tuple[str, str]:
    """A registered FHIR client: (client_id, client_secret), as the command prints them."""
    from io import StringIO

    out = StringIO()
    call_command("fhir_client_create", name, scopes=scopes, stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    return lines["client_id"], lines["client_secret"]


def token_response(client: Client, client_id: str, secret: str, scope: str | None = None):
    body = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope is not None:
        body["scope"] = scope
    return client.post("/o/token/", body)


def token(client: Client, scopes: str = "system/*.read") -> str:
    client_id, secret = make_client(scopes=scopes)
    response = token_response(client, client_id, secret)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def _checked(response):
    """Every FHIR answer a test sees is parsed and validated by the library, errors too."""
    if response.get("Content-Type", "").startswith("application/fhir+json") and response.content:
        validate(json.loads(response.content))
    return response


def get(client: Client, path: str, access_token: str | None, **headers: str):
    if access_token:
        headers["Authorization"] = f"Bearer {access_token}"
    url = path if path.startswith("http") else f"{BASE}{path}"
    return _checked(client.get(url.removeprefix("http://testserver"), headers=headers))


def delete(client: Client, path: str, access_token: str):
    headers = {"Authorization": f"Bearer {access_token}"}
    return _checked(client.delete(f"{BASE}{path}", headers=headers))


def validate(data: dict[str, Any]) -> Any:
    """Parse a resource (and every resource in a bundle) with the library's model."""
    model = get_fhir_model_class(data["resourceType"])
    parsed = model.model_validate(data)
    for entry in data.get("entry") or []:
        validate(entry["resource"])
    return parsed


def fhir_json(response) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/fhir+json"), response["Content-Type"]
    data = json.loads(response.content)
    validate(data)
    return data


def entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle.get("entry") or []]


def kick_off(client: Client, access: str, query: str = "", **headers: str):
    headers.setdefault("Prefer", "respond-async")
    headers.setdefault("Accept", "application/fhir+json")
    return get(client, f"/$export{query}", access, **headers)


def ndjson_lines(client: Client, access: str, url: str) -> list[dict[str, Any]]:
    """One export file, every line parsed and validated."""
    response = get(client, url, access)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+ndjson"
    body = b"".join(response.streaming_content).decode()
    lines = [json.loads(line) for line in body.splitlines()]
    for line in lines:
        validate(line)
    return lines
