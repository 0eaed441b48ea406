"""The patient's intake pages: the form, the urgent page and the result behind a signed link."""

from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("", views.intake_start, name="start"),
    path("urgent/", views.intake_urgent, name="urgent"),
    path("urgent/call-back/", views.intake_call_back, name="call_back"),
    path("r/<str:token>/", views.intake_result, name="result"),
    path("r/<str:token>/advice.pdf", views.advice_sheet_download, name="advice_sheet"),
]
