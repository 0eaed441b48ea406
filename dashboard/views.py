"""The staff dashboard's pages and actions. Thin: guard (access.staff_view), form, service, page.

GET pages only read (and write their audit row); every change is a POST with CSRF that
redirects back on success, or re-renders with field errors and status 400 on bad input.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from clinic.http import client_ip
from clinic.messaging.models import Message
from dashboard import access, charts, selectors, services, twofactor
from dashboard.access import staff_view, user_can
from dashboard.forms import (
    AcknowledgeForm,
    ContactForm,
    MessageFilterForm,
    NoteForm,
    OverrideForm,
    QueueFilterForm,
    StaffLoginForm,
)
from dashboard.middleware import REFRESH_HEADER, session_start
from dashboard.models import AuditEvent
from intake.advice import advice_sheet_response
from intake.models import Intake, Referral, TriageOutcome


def _audit(request: HttpRequest, action: str, **target: Any) -> None:
    services.audit_record(
        actor=request.user, action=action, ip_address=client_ip(request), **target
    )


def _capabilities(user: Any) -> dict[str, bool]:
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


# --- Sign in and out --------------------------------------------------------------------------


@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
def staff_login(request: HttpRequest) -> HttpResponse:
    """Password, then the TOTP code for staff with a device. Axes counts and locks failures."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = StaffLoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            device = twofactor.device_for(user)
            if device is not None and not twofactor.verify(device, form.cleaned_data["otp_token"]):
                twofactor.code_refused(form=form, user=user, request=request)
            else:
                auth_login(request, user)
                session_start(request)
                if device is not None:
                    otp_login(request, device)
                _audit(request, AuditEvent.Action.LOGIN, object_type="user", object_id=user.pk)
                return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        return render(request, "dashboard/login.html", {"form": form, "next": next_url}, status=400)
    return render(request, "dashboard/login.html", {"form": form, "next": next_url})


def staff_logout(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.user.is_authenticated:
        _audit(request, AuditEvent.Action.LOGOUT, object_type="user", object_id=request.user.pk)
    auth_logout(request)
    messages.info(request, "You are signed out.")
    return redirect(settings.LOGIN_URL)


# --- The queue ---------------------------------------------------------------------------------


def _top_blocks() -> dict[str, Any]:
    """The urgent and not-improving blocks: the part of the queue the live refresh replaces."""
    urgent, urgent_more = selectors.urgent_unacknowledged()
    not_improving, not_improving_more = selectors.referrals_not_improving()
    return {
        "urgent": urgent,
        "urgent_more": urgent_more,
        "not_improving": not_improving,
        "not_improving_more": not_improving_more,
    }


def _top_block_ids(blocks: dict[str, Any]) -> list[int]:
    return [i.pk for i in blocks["urgent"]] + [r.intake_id for r in blocks["not_improving"]]


@staff_view(access.USE)
def queue(request: HttpRequest) -> HttpResponse:
    if request.headers.get(REFRESH_HEADER):
        return _queue_refresh(request)
    caps = _capabilities(request.user)
    form = QueueFilterForm(request.GET, clinical=caps["clinical"])
    status = 200
    page = None
    if not form.is_valid():
        status = 400
    else:
        intakes = selectors.intake_queue(**form.queue_kwargs())
        paginator = selectors.CappedPaginator(intakes, selectors.QUEUE_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    blocks = _top_blocks()
    shown = _top_block_ids(blocks)
    if page is not None:
        shown += [i.pk for i in page.object_list]
    _audit(request, AuditEvent.Action.QUEUE_VIEW, object_type="intake", object_ids=shown)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        **blocks,
        "appointments_today": selectors.appointments_today(),
        "filter_query": query.urlencode(),
        "caps": caps,
    }
    return render(request, "dashboard/queue.html", context, status=status)


def _queue_refresh(request: HttpRequest) -> HttpResponse:
    """The script's poll: only the two top blocks, read and audited on their own.

    The blocks do not depend on the list's filters, so a bad filter in the address bar
    still answers 200 and the blocks keep updating.
    """
    blocks = _top_blocks()
    _audit(
        request,
        AuditEvent.Action.QUEUE_VIEW,
        object_type="intake",
        object_ids=_top_block_ids(blocks),
    )
    return render(request, "dashboard/_queue_live.html", blocks)


# --- The intake page and its actions --------------------------------------------------------


def _intake_page(
    request: HttpRequest, intake_id: int, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    intake = selectors.intake_for_staff(intake_id)
    if intake is None:
        raise Http404("No such intake.")
    caps = _capabilities(request.user)
    _audit(request, AuditEvent.Action.INTAKE_VIEW, object_type="intake", object_id=intake.pk)
    overrides = list(intake.triage_overrides.all())
    context = {
        "intake": intake,
        "patient": intake.patient,
        "caps": caps,
        "follow_up": getattr(intake, "follow_up", None),
        "acknowledgement": getattr(intake, "acknowledgement", None),
        "referrals": list(intake.referrals.all()),
        "contacts": list(intake.contacts.all()),
        "message_list": selectors.messages_for_intake(intake),
        "appointments": selectors.appointments_for_intake(intake),
        "booking_url": selectors.booking_on_behalf_url(intake),
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
                "answers": selectors.answers_plain(intake.answers),
                "outcome": selectors.outcome_plain(intake),
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
    _audit(request, AuditEvent.Action.INTAKE_VIEW, object_type="advice_sheet", object_id=intake_id)
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


# --- Message log, outcomes --------------------------------------------------------------------


@staff_view(access.MESSAGE_LOG)
def message_log(request: HttpRequest) -> HttpResponse:
    form = MessageFilterForm(request.GET)
    status, page = 200, None
    if not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data
        log = selectors.message_log(status=data["status"], channel=data["channel"])
        paginator = selectors.CappedPaginator(log, selectors.MESSAGE_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    shown = [m.pk for m in page.object_list] if page else []
    _audit(request, AuditEvent.Action.MESSAGES_VIEW, object_type="message", object_ids=shown)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filter_query": query.urlencode(),
        "caps": _capabilities(request.user),
    }
    return render(request, "dashboard/messages.html", context, status=status)


@staff_view(access.RESEND, methods=("POST",))
def message_resend(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.only("pk"), pk=message_id)
    message = services.message_resend(message_id=message.pk, by=request.user)
    if message.status == Message.Status.QUEUED:
        messages.success(request, f"Message #{message.pk} is queued to send again.")
    else:
        messages.info(request, f"Message #{message.pk} is {message.get_status_display().lower()}.")
    back = request.POST.get("next", "")
    if back.startswith("/staff/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect("dashboard:messages")


@staff_view(access.CLINICAL)
def outcomes(request: HttpRequest) -> HttpResponse:
    per_pattern = selectors.outcomes_per_pattern()
    weeks = selectors.weekly_intakes()
    _audit(request, AuditEvent.Action.OUTCOMES_VIEW)
    context = {
        "per_pattern": per_pattern,
        "weeks": weeks,
        "bars": charts.outcome_bars(per_pattern),
        "columns": charts.weekly_columns(weeks),
        "urgencies": charts.URGENCY_ORDER,
        "caps": _capabilities(request.user),
    }
    return render(request, "dashboard/outcomes.html", context)
