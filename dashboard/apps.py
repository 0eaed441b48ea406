"""The staff dashboard app; registers the models whose changes django-auditlog tracks."""

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Staff dashboard"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from dashboard.models import Acknowledgement, Contact, Note, TriageOverride
        from intake.models import Intake, Referral
        from referrals.models import AppointmentOutcome

        # Field lists keep health data out of the change log: statuses and who/when only.
        # Note text and override reasons stay in their own rows, readable by clinicians.
        # Messages are not here: the worker's sending steps are machine work, and each row
        # is its own delivery log (status, attempts, times, error); a staff resend is an
        # AuditEvent. Logging every step doubled the cost of sending a message.
        auditlog.register(Intake, include_fields=["status"])
        auditlog.register(Referral, include_fields=["status", "handled_by", "handled_at"])
        auditlog.register(Acknowledgement)
        auditlog.register(Contact)
        auditlog.register(Note, exclude_fields=["text"])
        auditlog.register(TriageOverride, exclude_fields=["reason"])
        auditlog.register(AppointmentOutcome, exclude_fields=["diagnosis_other", "note"])
