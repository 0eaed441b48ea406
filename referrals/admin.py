"""Admin for referrals, so staff can see and close what needs them."""

from django.contrib import admin

from referrals.models import Referral


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("id", "intake", "reason", "status", "handled_by", "created_at")
    list_filter = ("reason", "status")
    list_select_related = ("intake", "handled_by")
    raw_id_fields = ("intake",)
