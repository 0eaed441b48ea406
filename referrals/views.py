"""The patient's booking pages: pick a time, confirm, then see, move or cancel it.

`/book/<token>/` opens the booking (a booking-only token, or the patient's intake token from
the result page); each appointment then has its own appointment-only links
(`/book/appointment/<appointment token>/…`) that always show its current state. Pages echo
the token they were opened with, and links made from it keep its issue time. A bad or
expired link rises as BadLink to `clinic.middleware.ApplicationErrorMiddleware` (404 / 410).
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinic.errors import ApplicationError
from clinic.http import client_ip
from clinic.languages import patient_language_activate
from intake.models import Intake, Urgency
from intake.selectors import intake_open_for_booking
from referrals import after_booking, selectors, services, verification
from referrals.errors import AlreadyBooked, AppointmentNotChangeable
from referrals.models import Appointment, Slot
from referrals.serializers import ID_MAX


def _slot_id(raw: str | None) -> int | None:
    """A slot id within the bigint range, or None for anything else (1e999 digits included)."""
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        return None
    value = int(raw)
    return value if 0 < value <= ID_MAX else None


def _open_slot(raw: str | None) -> Slot | None:
    """The open slot a `?slot=` parameter names, or None for anything else."""
    slot_id = _slot_id(raw)
    return selectors.slot_open_queryset().filter(pk=slot_id).first() if slot_id else None


def _appointment_redirect(
    appointment: Appointment, *, token: str = "", issued_at: int | None = None
) -> HttpResponse:
    """The appointment's page: with the `token` in hand, or a link expiring with `issued_at`."""
    token = token or selectors.appointment_token(appointment, issued_at=issued_at)
    return redirect("referrals:appointment", token=token)


def _picker(
    request: HttpRequest,
    *,
    zone_name: str,
    action: str,
    here: str,
    heading: str,
    status: int = 200,
    error: str = "",
    alternatives: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The picker: the days with free times, one day's times (`?day=`), optionally one
    clinician's (`?clinician=`); `here` is its own address, for the day and clinician links."""
    alternative_ids = [a["id"] for a in alternatives or []]
    context = {
        "heading": heading,
        "action": action,
        "here": here,
        "error": error,
        "alternatives": [
            {"id": slot.pk, "label": _slot_label(slot, zone_name)}
            for slot in Slot.objects.select_related("clinician").filter(pk__in=alternative_ids)
        ],
        **selectors.booking_choices(
            zone_name=zone_name,
            day=request.GET.get("day"),
            clinician=request.GET.get("clinician"),
        ),
        **(extra or {}),
    }
    return render(request, "referrals/book.html", context, status=status)


def _slot_label(slot: Slot, zone_name: str) -> str:
    return f"{selectors.when_text(slot.starts_at, zone_name)} with {slot.clinician.display_name}"


def _confirm(
    request: HttpRequest, *, slot: Slot, zone_name: str, heading: str, back: str, **extra: Any
) -> HttpResponse:
    context = {
        "heading": heading,
        "slot": slot,
        "when": selectors.when_text(slot.starts_at, zone_name),
        "back": back,
        **after_booking.visit_context(slot.starts_at, slot.ends_at),
        **extra,
    }
    return render(request, "referrals/confirm.html", context)


def _error_text(exc: ApplicationError) -> str:
    return next(iter(exc.errors.get("slot", [])), exc.detail)


def _chosen(
    request: HttpRequest, raw: str | None, *, picker: dict[str, Any], **confirm: Any
) -> HttpResponse:
    """GET with ?slot=: that time to confirm ("Choose another time" back to its day), or the
    picker again when it is not open."""
    slot = _open_slot(raw)
    if slot is None:
        error = _("Please choose one of the free times below.")
        return _picker(request, **picker, status=400, error=error)
    zone_name = picker["zone_name"]
    confirm["back"] += f"?day={selectors.local_date(slot.starts_at, zone_name).isoformat()}"
    return _confirm(request, slot=slot, zone_name=zone_name, **confirm)


def _refused(
    request: HttpRequest, exc: ApplicationError, *, picker: dict[str, Any]
) -> HttpResponse:
    """The picker again after a refused booking or move: why, and the nearest open times."""
    return _picker(
        request,
        **picker,
        status=exc.status_code,
        error=_error_text(exc),
        alternatives=exc.extra.get("alternatives"),
    )


def _open_intake(request: HttpRequest, token: str) -> tuple[Intake, int] | HttpResponse:
    """The token's intake and its link's issue time, or the page refusing a booking; a bad
    link rises to ApplicationErrorMiddleware (404, or 410 when expired)."""
    intake, issued_at = intake_open_for_booking(token)
    patient_language_activate(request, intake.patient.language)  # no choice here: theirs
    if intake.urgency == Urgency.URGENT:
        return render(request, "referrals/not_offered.html", status=403)
    return intake, issued_at


@require_GET
def book(request: HttpRequest, token: str) -> HttpResponse:
    """The days with open times in the next two weeks (up to the booking horizon when those
    are empty) and one day's times (`?day=`, the first by default; `?clinician=` for one
    clinician's), in the patient's zone."""
    opened = _open_intake(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    intake, issued_at = opened
    existing = selectors.appointment_active_for_intake(intake)
    if existing is not None:
        return _appointment_redirect(existing, issued_at=issued_at)
    if not verification.contact_verified(intake):
        return redirect("referrals:verify", token=token)
    return _picker(
        request,
        zone_name=intake.patient.timezone,
        action=reverse("referrals:book-confirm", args=[token]),
        here=reverse("referrals:book", args=[token]),
        heading=_("Book your free second opinion"),
    )


# Long on purpose: GET (confirm) and POST (book) share the opened intake and the picker.
@require_http_methods(["GET", "POST"])
def book_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the chosen time to confirm. POST: book it."""
    opened = _open_intake(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    intake, issued_at = opened
    existing = selectors.appointment_active_for_intake(intake)
    if request.method == "GET" and existing is not None:
        return _appointment_redirect(existing, issued_at=issued_at)  # booked: shown, not offered
    if not verification.contact_verified(intake):
        return redirect("referrals:verify", token=token)
    zone_name = intake.patient.timezone
    picker: dict[str, Any] = {
        "zone_name": zone_name,
        "action": reverse("referrals:book-confirm", args=[token]),
        "here": reverse("referrals:book", args=[token]),
        "heading": _("Book your free second opinion"),
    }
    if request.method == "GET":
        return _chosen(
            request,
            request.GET.get("slot"),
            picker=picker,
            heading=_("Confirm your appointment"),
            back=reverse("referrals:book", args=[token]),
            button=_("Confirm booking"),
        )
    try:
        verification.booking_gate(intake=intake, client_ip=client_ip(request))
        appointment = services.appointment_book(
            intake=intake,
            slot_id=_slot_id(request.POST.get("slot")),
            booked_from=client_ip(request),
        )
    except ApplicationError as exc:
        # Already booked (another tab, a double click): the patient sees that appointment,
        # unless it was cancelled in the meantime; then the picker says why.
        active = (
            selectors.appointment_active_for_intake(intake)
            if isinstance(exc, AlreadyBooked)
            else None
        )
        if active is not None:
            return _appointment_redirect(active, issued_at=issued_at)
        return _refused(request, exc, picker=picker)
    # The page's heading says "booked"; the message adds only what it does not.
    messages.success(request, _("We've sent you a confirmation."), extra_tags=CONFIRMED)
    return _appointment_redirect(appointment, issued_at=issued_at)


# A booking's or a move's own confirmation, told apart from other notices by its tag: the
# appointment page puts it under one heading ("Your appointment is booked" / "has moved").
CONFIRMED = "confirmed"
MOVED = "moved"


def _confirmation(request: HttpRequest) -> dict[str, Any]:
    """The flashed messages split: a booking's or a move's confirmation, and the rest."""
    confirmation, moved, notices = "", False, []
    for message in messages.get_messages(request):
        if CONFIRMED in message.extra_tags or MOVED in message.extra_tags:
            confirmation, moved = message.message, MOVED in message.extra_tags
        else:
            notices.append(message)
    return {"confirmation": confirmation, "moved": moved, "notices": notices}


@require_GET
def appointment_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The appointment as it is now: its current time, or that it was cancelled."""
    appointment, issued_at = selectors.appointment_open_by_token(token)
    context = _appointment_context(appointment, token, issued_at)
    return render(request, "referrals/appointment.html", {**context, **_confirmation(request)})


def _appointment_context(appointment: Appointment, token: str, issued_at: int) -> dict[str, Any]:
    """Its links echo `token`; "book again" is booking-only and expires with it."""
    return {
        "appointment": appointment,
        "token": token,
        "when": selectors.when_text(appointment.starts_at, appointment.patient.timezone),
        "links": selectors.appointment_links(appointment, token),
        "calendar": after_booking.calendar_links(appointment, token),
        **after_booking.visit_context(appointment.starts_at, appointment.ends_at),
        "book_url": selectors.book_path(appointment.intake, issued_at=issued_at),
        "state": selectors.appointment_state(appointment),
    }


@require_http_methods(["GET", "POST"])
def appointment_cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment, issued_at = selectors.appointment_open_by_token(token)
    if not selectors.appointment_changeable(appointment):
        # Cancelled or already begun: the appointment's page says which (as a POST would).
        return _appointment_redirect(appointment, token=token)
    if request.method == "GET":
        context = _appointment_context(appointment, token, issued_at)
        return render(request, "referrals/cancel.html", context)
    try:
        services.appointment_cancel(appointment=appointment)
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Your appointment is cancelled."))
    return _appointment_redirect(appointment, token=token)


@require_http_methods(["GET", "POST"])
def appointment_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the free times (or, with ?slot=, the new time to confirm). POST: move it."""
    appointment = selectors.appointment_get_by_token(token)
    if not selectors.appointment_changeable(appointment):
        # Cancelled or already begun: the appointment's page says which (as a POST would).
        return _appointment_redirect(appointment, token=token)
    zone_name = appointment.patient.timezone
    here = reverse("referrals:appointment-reschedule", args=[token])
    current = selectors.when_text(appointment.starts_at, zone_name)
    picker: dict[str, Any] = {
        "zone_name": zone_name,
        "action": here,
        "here": here,
        "heading": _("Move your appointment"),
        "extra": {"current": current},
    }
    if request.method == "GET":
        raw = request.GET.get("slot")
        if raw is None:
            return _picker(request, **picker)
        return _chosen(
            request,
            raw,
            picker=picker,
            heading=_("Move your appointment"),
            back=here,
            button=_("Move my appointment"),
            current=current,
        )
    try:
        services.appointment_reschedule(
            appointment=appointment, slot_id=_slot_id(request.POST.get("slot"))
        )
    except AppointmentNotChangeable:
        return _appointment_redirect(appointment, token=token)
    except ApplicationError as exc:
        return _refused(request, exc, picker=picker)
    messages.success(request, _("We've sent you the new details."), extra_tags=MOVED)
    return _appointment_redirect(appointment, token=token)


@require_GET
def appointment_ics(request: HttpRequest, token: str) -> HttpResponse:
    appointment = selectors.appointment_get_by_token(token)
    response = HttpResponse(
        selectors.appointment_ics(appointment), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response
