"""The staff dashboard under /staff/: sign-in, the queue, intakes, messages, outcomes."""

from django.urls import path

from dashboard.views import (
    alerts,
    appointment_outcomes,
    episodes,
    front_desk,
    hours,
    intakes,
    message_log,
    outcomes,
    quality,
    queue,
    sign_in,
    two_factor,
)

app_name = "dashboard"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("login/", sign_in.staff_login, name="login"),
    path("logout/", sign_in.staff_logout, name="logout"),
    path("two-factor/", two_factor.two_factor, name="two_factor"),
    path(
        "two-factor/enrol/<str:token>/",
        two_factor.two_factor_enrol,
        name="two_factor_enrol",
    ),
    path("intakes/<int:intake_id>/", intakes.intake_detail, name="intake"),
    path(
        "intakes/<int:intake_id>/advice.pdf",
        intakes.intake_advice_sheet,
        name="intake_advice_sheet",
    ),
    path(
        "intakes/<int:intake_id>/acknowledge/",
        intakes.intake_acknowledge,
        name="intake_acknowledge",
    ),
    path("alerts/<int:intake_id>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"),
    path("intakes/<int:intake_id>/book/", front_desk.book_on_behalf, name="intake_book"),
    path("intakes/<int:intake_id>/contacted/", intakes.intake_contacted, name="intake_contacted"),
    path("intakes/<int:intake_id>/notes/", intakes.intake_note_add, name="intake_note_add"),
    path("intakes/<int:intake_id>/override/", intakes.intake_override, name="intake_override"),
    path("referrals/<int:referral_id>/close/", intakes.referral_close, name="referral_close"),
    path("messages/", message_log.message_log, name="messages"),
    path("messages/<int:message_id>/resend/", message_log.message_resend, name="message_resend"),
    path("outcomes/", outcomes.outcomes, name="outcomes"),
    path(
        "appointments/<int:appointment_id>/outcome/",
        appointment_outcomes.appointment_outcome,
        name="appointment_outcome",
    ),
    path("appointments/displaced/", hours.displaced, name="appointments_displaced"),
    path("patients/<int:patient_id>/merge/", episodes.patient_merge, name="patient_merge"),
    path("quality/", quality.quality, name="quality"),
    path("quality/rows.csv", quality.quality_csv_download, name="quality_csv"),
]
