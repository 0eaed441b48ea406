"""Staff pages for what happened at an appointment: recording its outcome.

Thin, like dashboard.views: the staff guard, the form, the service
(`referrals.outcomes.appointment_outcome_record`) and an AuditEvent in the same transaction.
"""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from clinic.errors import ApplicationError, InvalidInput
from dashboard import access
from dashboard.access import staff_view
from dashboard.models import AuditEvent
from dashboard.outcome_forms import OutcomeForm
from dashboard.views.common import audit, capabilities
from referrals import selectors as referral_selectors
from referrals.models import Appointment
from referrals.outcomes import appointment_outcome_record

# Recording an outcome is clinical work: the clinical capability (clinicians and admins).
RECORD_OUTCOME = access.CLINICAL


def _page(
    request: HttpRequest, appointment: Appointment, form: OutcomeForm, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "appointment": appointment,
        "state": referral_selectors.appointment_state(appointment),
        "outcome": getattr(appointment, "outcome", None),
        "form": form,
        "caps": capabilities(request.user),
    }
    return render(request, "dashboard/appointment_outcome.html", context, status=status)


@staff_view(RECORD_OUTCOME, methods=("GET", "POST"))
def appointment_outcome(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """GET: the appointment and its outcome form (or the outcome, once recorded). POST: record."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("clinician", "intake", "outcome"), pk=appointment_id
    )
    if request.method == "GET":
        audit(
            request,
            AuditEvent.Action.INTAKE_VIEW,
            object_type="appointment",
            object_id=appointment.pk,
        )
        return _page(request, appointment, OutcomeForm())
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                appointment_outcome_record(
                    appointment_id=appointment.pk, by=request.user, **form.cleaned_data
                )
                audit(
                    request,
                    AuditEvent.Action.OUTCOME_RECORD,
                    object_type="appointment",
                    object_id=appointment.pk,
                )
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                form.add_error(field if field in form.fields else None, errors)
        except ApplicationError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "Outcome recorded; the referral is closed.")
            return redirect("dashboard:intake", intake_id=appointment.intake_id)
    return _page(request, appointment, form, status=400)
