"""Front desk books a patient's second opinion from the dashboard (a staff page, guarded by the
`manage_bookings` capability), never by opening the patient's own link: a patient's token
would open their result page, which front desk must not see. The page shows who is booked and
the free times, nothing clinical; the booking itself is `referrals.services.appointment_book`,
so the patient gets the same confirmation as when they book themselves.
"""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from clinic.errors import ApplicationError
from clinic.http import client_ip
from dashboard import access, services
from dashboard.access import staff_view
from dashboard.models import AuditEvent
from intake.models import Intake, Urgency
from referrals import selectors as booking
from referrals import services as booking_services

SHOWN_DAYS = 14


class BookOnBehalfForm(forms.Form):
    slot = forms.IntegerField(min_value=1, max_value=2**62)


# Long on purpose: GET and POST share the intake, the urgent refusal and the page of free times.
@staff_view(access.BOOKINGS, methods=("GET", "POST"))
def book_on_behalf(request: HttpRequest, intake_id: int) -> HttpResponse:
    """GET: the patient's name and one day's free times (in the patient's zone; `?day=` and
    `?clinician=` as on the patient's picker). POST: book one."""
    intake = get_object_or_404(Intake.objects.select_related("patient"), pk=intake_id)
    zone_name = intake.patient.timezone
    form = BookOnBehalfForm(request.POST if request.method == "POST" else None)
    status = 200
    error = ""
    if intake.urgency == Urgency.URGENT:
        # Urgent cases get same-day care, never an appointment: nothing to offer.
        return render(
            request, "dashboard/book_on_behalf.html", {"intake": intake, "urgent": True}, status=403
        )
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    appointment = booking_services.appointment_book(
                        intake=intake, slot_id=form.cleaned_data["slot"]
                    )
                    services.audit_record(
                        actor=request.user,
                        action=AuditEvent.Action.BOOKING_ON_BEHALF,
                        object_type="intake",
                        object_id=intake.pk,
                        ip_address=client_ip(request),
                    )
            except ApplicationError as exc:
                status, error = exc.status_code, exc.detail
            else:
                when = booking.when_text(appointment.starts_at, zone_name)
                messages.success(request, f"Booked for {when}. The patient gets a confirmation.")
                return redirect("dashboard:intake", intake_id=intake.pk)
        else:
            status, error = 400, "Choose one of the free times."
    context = {
        "intake": intake,
        "urgent": False,
        "form": form,
        "error": error,
        "zone_name": zone_name,
        # The patients' picker (referrals.selectors.booking_page): a day per page, a clinician
        # filter, so the page stays short however many times are free.
        "page": booking.booking_page(
            zone_name=zone_name,
            day=request.GET.get("day"),
            clinician=request.GET.get("clinician"),
            days=SHOWN_DAYS,
        ),
        "here": request.path,
        "existing": booking.appointment_active_for_intake(intake),
    }
    return render(request, "dashboard/book_on_behalf.html", context, status=status)
