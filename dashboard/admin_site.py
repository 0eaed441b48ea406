"""The Django admin behind the staff door: the staff sign-in (with its lockout and TOTP code),
`STAFF_REQUIRE_2FA`, and an AuditEvent for every admin page that shows patient data.

Installed as the default admin site by `StaffAdminConfig` (in INSTALLED_APPS in place of
`django.contrib.admin`), so every `admin.register` in the project lands here.
"""

from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from clinic.http import client_ip
from dashboard.access import two_factor_missing

# Apps whose admin pages show patients' records (or the staff's records about them).
PATIENT_DATA_APPS = frozenset({"intake", "referrals", "messaging", "dashboard", "auditlog"})
ADMIN_VIEW = "admin_view"


def _shown_ids(response: HttpResponse, kwargs: dict[str, Any]) -> tuple[int | None, list[int]]:
    """The record a change/history/delete page shows, or the rows a list page shows."""
    object_id = str(kwargs.get("object_id", ""))
    if object_id.isdigit():
        return int(object_id), []
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    if changelist is None:
        return None, []
    return None, [row.pk for row in changelist.result_list]


class StaffAdminSite(admin.AdminSite):
    """The admin, signed in through /staff/login/ and audited like the dashboard."""

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not two_factor_missing(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Never a second password form: the admin's own would skip the code and the lockout."""
        if request.user.is_authenticated and two_factor_missing(request):
            return redirect("dashboard:two_factor")
        next_url = request.GET.get("next") or request.POST.get("next") or "/admin/"
        return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': next_url})}")

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)
        model = getattr(getattr(view, "__self__", None), "model", None)
        label = model._meta.label_lower if model is not None else ""
        audited = label.split(".")[0] in PATIENT_DATA_APPS

        @wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.user.is_authenticated and two_factor_missing(request):
                return redirect("dashboard:two_factor")
            response = inner(request, *args, **kwargs)
            if audited and response.status_code == 200 and self.has_permission(request):
                from dashboard.services import audit_record  # models load after the site

                object_id, object_ids = _shown_ids(response, kwargs)
                audit_record(
                    actor=request.user,
                    action=ADMIN_VIEW,
                    object_type=label,
                    object_id=object_id,
                    object_ids=object_ids,
                    ip_address=client_ip(request),
                )
            return response

        return guarded


class StaffAdminConfig(AdminConfig):
    default_site = "dashboard.admin_site.StaffAdminSite"
