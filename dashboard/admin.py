"""Admin for the dashboard: the audit trail (read-only, for admins) and the staff's records."""

from django.contrib import admin

from dashboard.models import Acknowledgement, AuditEvent, Contact, Note, TriageOverride


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is never edited, not even by an admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action", "object_type", "at")
    search_fields = ("actor_username", "=object_id", "=ip_address")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("intake", "acknowledged_by", "acknowledged_at")
    list_select_related = ("intake", "acknowledged_by")
    search_fields = ("=intake__id", "acknowledged_by__username")


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("intake", "method", "contacted_by", "contacted_at")
    list_filter = ("method",)
    list_select_related = ("intake", "contacted_by")
    search_fields = ("=intake__id", "contacted_by__username")


@admin.register(Note)
class NoteAdmin(ReadOnlyAdmin):
    list_display = ("intake", "author", "created_at")
    list_select_related = ("intake", "author")
    search_fields = ("=intake__id", "author__username")


@admin.register(TriageOverride)
class TriageOverrideAdmin(ReadOnlyAdmin):
    list_display = ("intake", "pattern", "urgency", "overridden_by", "created_at")
    list_filter = ("pattern", "urgency")
    list_select_related = ("intake", "overridden_by")
    search_fields = ("=intake__id", "overridden_by__username")
