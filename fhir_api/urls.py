"""/fhir/R4/: metadata, bulk export, Patient/$everything, then read and search by type."""

from django.urls import path

from fhir_api import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("$export", views.export_kick_off, name="export"),
    path("$export-status/<uuid:job_id>", views.export_status, name="export-status"),
    path(
        "$export-files/<uuid:job_id>/<str:resource_type>.ndjson",
        views.export_file,
        name="export-file",
    ),
    path("Patient/<str:resource_id>/$everything", views.patient_everything, name="everything"),
    path("<str:resource_type>", views.resource_search, name="search"),
    path("<str:resource_type>/<str:resource_id>", views.resource_read, name="read"),
]
