"""The front desk's list of appointments the clinic cancelled when its hours changed."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinic.http import client_ip
from dashboard import access, services
from dashboard.access import staff_view
from dashboard.models import AuditEvent
from dashboard.views.common import capabilities
from referrals.hours import appointments_displaced
from referrals.selectors import appointment_active_for_intake


@staff_view(access.BOOKINGS)
def displaced(request: HttpRequest) -> HttpResponse:
    """Each appointment cancelled under removed hours, still ahead, and whether the patient
    has booked again (a handful of rows: one query each for the rebooking is fine)."""
    cancelled = list(appointments_displaced())
    rows = [
        {"appointment": a, "rebooked": appointment_active_for_intake(a.intake)} for a in cancelled
    ]
    services.audit_record(
        actor=request.user,
        action=AuditEvent.Action.QUEUE_VIEW,
        object_type="appointment",
        object_ids=[a.pk for a in cancelled],
        ip_address=client_ip(request),
    )
    return render(
        request, "dashboard/displaced.html", {"rows": rows, "caps": capabilities(request.user)}
    )
