"""Admin: register a FHIR client's scopes beside its OAuth2 application; see exports."""

from django.contrib import admin

from fhir_api.models import ExportJob, FhirClient


@admin.register(FhirClient)
class FhirClientAdmin(admin.ModelAdmin):
    list_display = ("__str__", "scopes", "created_at")


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "client", "status", "created_at", "expires_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in ExportJob._meta.fields]
