"""GET /fhir/R4/metadata: what this server really does, generated from the mappings.

Read and search-type for every type served, the search parameters each type accepts,
Patient/$everything, system $export, JSON only, OAuth2 client credentials (SMART Backend
Services style scopes), no writes, no history, no versions.
"""

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.capabilitystatement import (
    CapabilityStatement,
    CapabilityStatementRest,
    CapabilityStatementRestResource,
    CapabilityStatementRestResourceOperation,
    CapabilityStatementRestResourceSearchParam,
    CapabilityStatementRestSecurity,
)
from fhir.resources.R4B.extension import Extension

from fhir_api.mappings import PATIENT_TYPES, RESOURCE_TYPES
from fhir_api.mappings.common import base_url

FHIR_VERSION = "4.0.1"
SEARCH_PARAMS_DOC = "http://hl7.org/fhir/SearchParameter/"
EXPORT_OPERATION = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
EVERYTHING_OPERATION = "http://hl7.org/fhir/OperationDefinition/Patient-everything"
OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"


def _search_params(resource_type: str) -> list[CapabilityStatementRestResourceSearchParam]:
    params = [
        CapabilityStatementRestResourceSearchParam(
            name="_lastUpdated",
            type="date",
            definition=f"{SEARCH_PARAMS_DOC}Resource-lastUpdated",
            documentation="Prefixes ge, gt, le, lt.",
        ),
        CapabilityStatementRestResourceSearchParam(
            name="_count",
            type="number",
            documentation=(
                f"Page size, 0 to {settings.FHIR_MAX_PAGE_SIZE}; default "
                f"{settings.FHIR_PAGE_SIZE}. Pages link with _offset."
            ),
        ),
    ]
    if resource_type in PATIENT_TYPES:
        params.append(
            CapabilityStatementRestResourceSearchParam(
                name="patient",
                type="reference",
                documentation="Patient/patient-{id}: the resources of that patient.",
            )
        )
    return params


def _resource(resource_type: str) -> CapabilityStatementRestResource:
    operations = None
    if resource_type == "Patient":
        operations = [
            CapabilityStatementRestResourceOperation(
                name="everything", definition=EVERYTHING_OPERATION
            )
        ]
    return CapabilityStatementRestResource(
        type=resource_type,
        interaction=[{"code": "read"}, {"code": "search-type"}],
        versioning="no-version",
        readHistory=False,
        updateCreate=False,
        searchParam=_search_params(resource_type),
        operation=operations,
    )


# Long on purpose: one resource literal, nested as the CapabilityStatement is.
def capability_statement() -> CapabilityStatement:
    security = CapabilityStatementRestSecurity(
        cors=False,
        service=[
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "code": "SMART-on-FHIR",
                    }
                ],
                "text": "OAuth2 client credentials; scopes system/*.read or system/<Type>.read",
            }
        ],
        extension=[
            Extension(
                url=OAUTH_URIS,
                extension=[
                    Extension(
                        url="token", valueUri=f"{base_url().removesuffix('/fhir/R4')}/o/token/"
                    )
                ],
            )
        ],
        description="Every request except metadata needs a bearer token; every read is audited.",
    )
    return CapabilityStatement(
        status="active",
        date=timezone.now(),
        kind="instance",
        software={"name": "Stride"},
        implementation={"description": "Stride knee-pain intake, read-only", "url": base_url()},
        fhirVersion=FHIR_VERSION,
        format=["application/fhir+json"],
        instantiates=["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
        rest=[
            CapabilityStatementRest(
                mode="server",
                security=security,
                resource=[_resource(t) for t in RESOURCE_TYPES],
                operation=[{"name": "export", "definition": EXPORT_OPERATION}],
            )
        ],
    )
