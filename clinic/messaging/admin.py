"""Admin for the message log: read-only, since a sent message is history."""

from django.contrib import admin

from clinic.messaging.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "template", "purpose", "status", "attempts")
    list_filter = ("status", "channel", "template")
    search_fields = ("recipient", "idempotency_key", "provider_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
