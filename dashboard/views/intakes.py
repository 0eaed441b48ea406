"""One intake's staff page, its advice sheet for clinicians, and the actions taken from it
(acknowledge, contacted, note, override, close a referral).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from dashboard import access, services
from dashboard.access import staff_view
from dashboard.forms import (
    AcknowledgeForm,
    ContactForm,
    NoteForm,
    OverrideForm,
)
from dashboard.models import AuditEvent
from dashboard.selectors.appointments import appointments_for_intake, booking_on_behalf_url
from dashboard.selectors.intake_page import (
    answers_plain,
    intake_for_staff,
    messages_for_intake,
    outcome_plain,
)
from dashboard.views.common import audit, capabilities
from intake.advice import advice_sheet_response
from intake.models import Intake, Referral, TriageOutcome


def _intake_page(
    request: HttpRequest, intake_id: int, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    intake = intake_for_staff(intake_id)
    if intake is None:
        raise Http404("No such intake.")
    caps = capabilities(request.user)
    audit(request, AuditEvent.Action.INTAKE_VIEW, object_type="intake", object_id=intake.pk)
    overrides = list(intake.triage_overrides.all())
    context = {
        "intake": intake,
        "patient": intake.patient,
        "caps": caps,
        "follow_up": getattr(intake, "follow_up", None),
        "acknowledgement": getattr(intake, "acknowledgement", None),
        "referrals": list(intake.referrals.all()),
        "contacts": list(intake.contacts.all()),
        "message_list": messages_for_intake(intake),
        "appointments": appointments_for_intake(intake),
        "booking_url": booking_on_behalf_url(intake),
        "advice_sheet_url": reverse("dashboard:intake_advice_sheet", args=[intake.pk]),
        "forms": {
            "contact": ContactForm(),
            "note": NoteForm(),
            "override": OverrideForm(),
            "acknowledge": AcknowledgeForm(),
            **(forms or {}),
        },
    }
    if caps["clinical"]:
        context.update(
            {
                "answers": answers_plain(intake.answers),
                "outcome": outcome_plain(intake),
                "notes": list(intake.notes.all()),
                "overrides": overrides,
                "current_override": overrides[0] if overrides else None,
            }
        )
    return render(request, "dashboard/intake.html", context, status=status)


@staff_view(access.USE)
def intake_detail(request: HttpRequest, intake_id: int) -> HttpResponse:
    return _intake_page(request, intake_id)


@staff_view(access.CLINICAL)
def intake_advice_sheet(request: HttpRequest, intake_id: int) -> HttpResponse:
    """The patient's advice sheet for a clinician, whatever the age of the patient's link.

    Clinical data, so the clinical capability and an audit row, like the intake page.
    """
    outcome = get_object_or_404(
        TriageOutcome.objects.select_related("intake__patient", "intake__follow_up"),
        intake_id=intake_id,
    )
    audit(request, AuditEvent.Action.INTAKE_VIEW, object_type="advice_sheet", object_id=intake_id)
    return advice_sheet_response(outcome)


def _action(
    request: HttpRequest, intake_id: int, form_name: str, form: Any, perform: Any
) -> HttpResponse:
    """Validate, run the service, redirect; or the page again with the errors and a 400."""
    get_object_or_404(Intake.objects.only("pk"), pk=intake_id)
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except services.ActionRefused as exc:
            form.add_error(None, exc.detail)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("dashboard:intake", intake_id=intake_id)
    return _intake_page(request, intake_id, forms={form_name: form}, status=400)


@staff_view(access.ACKNOWLEDGE, methods=("POST",))
def intake_acknowledge(request: HttpRequest, intake_id: int) -> HttpResponse:
    def perform(data: dict) -> None:
        services.intake_acknowledge(intake_id=intake_id, by=request.user)
        messages.success(request, "Alert acknowledged.")

    return _action(request, intake_id, "acknowledge", AcknowledgeForm(request.POST), perform)


@staff_view(access.CONTACT, methods=("POST",))
def intake_contacted(request: HttpRequest, intake_id: int) -> HttpResponse:
    def perform(data: dict) -> None:
        services.intake_mark_contacted(intake_id=intake_id, by=request.user, method=data["method"])
        messages.success(request, "Marked as contacted.")

    return _action(request, intake_id, "contact", ContactForm(request.POST), perform)


@staff_view(access.NOTE, methods=("POST",))
def intake_note_add(request: HttpRequest, intake_id: int) -> HttpResponse:
    def perform(data: dict) -> None:
        services.note_add(intake_id=intake_id, by=request.user, text=data["text"])
        messages.success(request, "Note added.")

    return _action(request, intake_id, "note", NoteForm(request.POST), perform)


@staff_view(access.OVERRIDE, methods=("POST",))
def intake_override(request: HttpRequest, intake_id: int) -> HttpResponse:
    def perform(data: dict) -> None:
        services.triage_override(
            intake_id=intake_id,
            by=request.user,
            pattern=data["pattern"],
            urgency=data["urgency"],
            reason=data["reason"],
        )
        messages.success(request, "Override saved beside the patient's own outcome.")

    return _action(request, intake_id, "override", OverrideForm(request.POST), perform)


@staff_view(access.CLOSE_REFERRAL, methods=("POST",))
def referral_close(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.only("pk", "intake_id"), pk=referral_id)
    services.referral_close(referral_id=referral.pk, by=request.user)
    messages.success(request, "Referral closed.")
    return redirect("dashboard:intake", intake_id=referral.intake_id)
