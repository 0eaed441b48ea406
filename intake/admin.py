"""Admin for intakes and their referrals: staff see what came in; the answers are read-only."""

from django.contrib import admin

from intake.models import FollowUp, Intake, Patient, Referral, TriageOutcome


class TriageOutcomeInline(admin.StackedInline):
    model = TriageOutcome
    can_delete = False
    readonly_fields = [f.name for f in TriageOutcome._meta.fields if f.name != "id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class FollowUpInline(admin.StackedInline):
    model = FollowUp
    can_delete = False
    extra = 0
    readonly_fields = (
        "channel",
        "due_at",
        "sent_at",
        "reminder_sent_at",
        "answer",
        "pain_now",
        "answered_at",
        "created_at",
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ("id", "submitted_at", "urgency", "pattern", "status", "knee", "pain_now")
    list_filter = ("urgency", "pattern", "status", "submitted_at")
    search_fields = ("patient__name", "patient__email", "patient__phone")
    date_hierarchy = "submitted_at"
    list_select_related = ("patient",)
    readonly_fields = (
        "patient",
        "answers",
        "knee",
        "pain_now",
        "duration_days",
        "age",
        "urgency",
        "pattern",
        "submitted_at",
    )
    inlines = [TriageOutcomeInline, FollowUpInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "channel", "consent_follow_up", "created_at")
    list_filter = ("channel", "consent_follow_up")
    search_fields = ("name", "email", "phone")


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("intake", "channel", "due_at", "status", "answer", "answered_at")
    list_filter = ("status", "channel", "answer")
    list_select_related = ("intake",)
    readonly_fields = ("intake", "answer", "pain_now", "answered_at")


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("id", "intake", "reason", "status", "handled_by", "created_at")
    list_filter = ("reason", "status")
    list_select_related = ("intake", "handled_by")
    search_fields = ("=id", "=intake__id", "intake__patient__name", "intake__patient__email")
    date_hierarchy = "created_at"
    raw_id_fields = ("intake",)
