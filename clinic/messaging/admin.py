"""Admin for the message log: read-only, since a sent message is history."""

from django.contrib import admin

from clinic.messaging.models import Message, Suppression
from clinic.messaging.recipients import address_normalise


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "template", "purpose", "status", "attempts")
    list_filter = ("status", "channel", "template")
    search_fields = ("recipient", "idempotency_key", "provider_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Staff add an opt-out someone asked for by phone, or delete one to opt them back in."""

    list_display = ("created_at", "channel", "address", "source")
    list_filter = ("channel", "source")
    search_fields = ("address",)
    readonly_fields = ("created_at",)
    fields = ("channel", "address", "source", "created_at")

    def save_model(self, request, obj, form, change) -> None:
        # The list compares normalised addresses: store the form the send step looks up.
        obj.address = address_normalise(channel=obj.channel, address=obj.address)
        super().save_model(request, obj, form, change)
