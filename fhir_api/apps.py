"""The FHIR app: read-only R4 resources for the clinic's EHR and partners."""

from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "fhir_api"
    verbose_name = "FHIR R4 interface"
    default_auto_field = "django.db.models.BigAutoField"
