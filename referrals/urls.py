"""The patient's booking pages, mounted at /book/: pick a time with the intake's token, then
manage the appointment through its own links."""

from django.urls import path

from referrals import api, verify_views, views

app_name = "referrals"

urlpatterns = [
    path("appointment/<str:token>/", views.appointment_detail, name="appointment"),
    path("appointment/<str:token>/cancel/", views.appointment_cancel, name="appointment-cancel"),
    path(
        "appointment/<str:token>/reschedule/",
        views.appointment_reschedule,
        name="appointment-reschedule",
    ),
    path("appointment/<str:token>/calendar.ics", views.appointment_ics, name="appointment-ics"),
    path("verify/<str:token>/", verify_views.verify_link, name="verify-link"),
    path("<str:token>/", views.book, name="book"),
    path("<str:token>/verify/", verify_views.verify, name="verify"),
    path("<str:token>/confirm/", views.book_confirm, name="book-confirm"),
]

# Mounted under /api/v1/ by clinic/urls.py.
api_urlpatterns = [
    path("slots/", api.SlotListApi.as_view(), name="slot-list"),
    path("appointments/", api.AppointmentCreateApi.as_view(), name="appointment-create"),
    path(
        "appointments/<int:appointment_id>/cancel/",
        api.AppointmentCancelApi.as_view(),
        name="appointment-cancel",
    ),
    path(
        "appointments/<int:appointment_id>/reschedule/",
        api.AppointmentRescheduleApi.as_view(),
        name="appointment-reschedule",
    ),
    path(
        "contact-verification/",
        api.ContactVerificationSendApi.as_view(),
        name="contact-verification-send",
    ),
    path(
        "contact-verification/confirm/",
        api.ContactVerificationConfirmApi.as_view(),
        name="contact-verification-confirm",
    ),
]
