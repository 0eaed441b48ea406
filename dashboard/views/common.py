"""What every staff page shares: the audit row of a request, and the capability flags
the templates show or hide by.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest

from clinic.http import client_ip
from dashboard import access, services
from dashboard.access import user_can
from dashboard.selectors.paging import CappedPaginator


def audit(request: HttpRequest, action: str, **target: Any) -> None:
    services.audit_record(
        actor=request.user, action=action, ip_address=client_ip(request), **target
    )


def capabilities(user: Any) -> dict[str, bool]:
    """What the templates may show: one flag per capability (from the cached permission set)."""
    names = {
        "clinical": access.CLINICAL,
        "contact_details": access.CONTACT_DETAILS,
        "acknowledge": access.ACKNOWLEDGE,
        "contact": access.CONTACT,
        "note": access.NOTE,
        "override": access.OVERRIDE,
        "close_referral": access.CLOSE_REFERRAL,
        "bookings": access.BOOKINGS,
        "message_log": access.MESSAGE_LOG,
        "resend": access.RESEND,
    }
    return {flag: user_can(user, capability) for flag, capability in names.items()}


def filtered_page(
    request: HttpRequest,
    form: forms.Form,
    rows: Callable[[dict[str, Any]], QuerySet[Any]],
    *,
    per_page: int,
) -> tuple[Page[Any] | None, int]:
    """A list page: the page (?page=) of `rows(filters)` and 200, or no page and 400 when the
    filters are bad. The count is capped (CappedPaginator)."""
    if not form.is_valid():
        return None, 400
    paginator = CappedPaginator(rows(form.cleaned_data), per_page)
    return paginator.get_page(request.GET.get("page")), 200


def filter_query(request: HttpRequest) -> str:
    """The list's filters without the page number, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
