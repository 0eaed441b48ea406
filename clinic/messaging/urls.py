"""Messaging URLs: the provider's inbound SMS webhook and the patient's opt-out link."""

from django.urls import path

from clinic.messaging import views

app_name = "messaging"

urlpatterns = [
    path("sms/inbound/", views.sms_inbound, name="sms_inbound"),
    path("opt-out/<str:token>/", views.opt_out, name="opt_out"),
]
