"""Who may do what on the dashboard: the roles, and the one guard every staff view goes through.

Capabilities are Django permissions declared on `AuditEvent.Meta` and granted to the groups
`clinician` and `front_desk` (data migration 0002; `staff_groups_sync` repairs them). An admin
can grant a capability to one person in the Django admin without a code change.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

CLINICIAN = "clinician"
FRONT_DESK = "front_desk"

USE = "use_dashboard"
CONTACT_DETAILS = "view_contact_details"
CLINICAL = "view_clinical"
ACKNOWLEDGE = "acknowledge_alert"
CONTACT = "mark_contacted"
NOTE = "write_note"
OVERRIDE = "override_triage"
CLOSE_REFERRAL = "close_referral"
BOOKINGS = "manage_bookings"
MESSAGE_LOG = "view_message_log"
RESEND = "resend_message"

# Front desk: contact details, bookings, messages. Clinicians: all of that, plus answers,
# outcomes, notes and the clinical actions.
FRONT_DESK_CAPABILITIES = (USE, CONTACT_DETAILS, CONTACT, BOOKINGS, MESSAGE_LOG, RESEND)
ROLE_CAPABILITIES: dict[str, tuple[str, ...]] = {
    FRONT_DESK: FRONT_DESK_CAPABILITIES,
    CLINICIAN: (
        *FRONT_DESK_CAPABILITIES,
        CLINICAL,
        ACKNOWLEDGE,
        NOTE,
        OVERRIDE,
        CLOSE_REFERRAL,
    ),
}


def user_can(user: Any, capability: str) -> bool:
    """True if this signed-in user holds the capability (two queries per request, then cached)."""
    return bool(
        user.is_authenticated and user.is_active and user.has_perm(f"dashboard.{capability}")
    )


def two_factor_missing(request: HttpRequest) -> bool:
    """The clinic requires TOTP (STAFF_REQUIRE_2FA) and this session has not passed it."""
    if not settings.STAFF_REQUIRE_2FA:
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return not (is_verified and is_verified())


def staff_view(
    capability: str = USE, *, methods: tuple[str, ...] = ("GET",)
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Guard a staff view: signed in, on the staff, past 2FA if required, holding `capability`.

    Anonymous visitors go to the sign-in page; signed-in people without the capability
    (an outsider, or front desk on a clinical page) get 403. Methods outside `methods` get 405,
    so a GET can never reach an action.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            if not request.user.is_authenticated:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{settings.LOGIN_URL}?{query}")
            if not user_can(request.user, USE) or not user_can(request.user, capability):
                raise PermissionDenied
            if two_factor_missing(request):
                return redirect("dashboard:two_factor")
            return view(request, *args, **kwargs)

        guarded.staff_capability = capability  # type: ignore[attr-defined]
        return guarded

    return decorator
