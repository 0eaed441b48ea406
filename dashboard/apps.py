"""The staff dashboard app; registers the models whose changes django-auditlog tracks."""

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Staff dashboard"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from clinic.messaging.models import Message
        from dashboard.models import Acknowledgement, Contact, Note, TriageOverride
        from intake.models import Intake
        from referrals.models import Referral

        # Field lists keep health data out of the change log: statuses and who/when only.
        # Note text and override reasons stay in their own rows, readable by clinicians.
        auditlog.register(Intake, include_fields=["status"])
        auditlog.register(Referral, include_fields=["status", "handled_by", "handled_at"])
        auditlog.register(Message, include_fields=["status", "attempts", "not_before"])
        auditlog.register(Acknowledgement)
        auditlog.register(Contact)
        auditlog.register(Note, exclude_fields=["text"])
        auditlog.register(TriageOverride, exclude_fields=["reason"])
