"""The patient's pages: the two-step intake form, the urgent page, the result page."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from intake import triage
from intake.advice import advice_sheet_outcome_for, advice_sheet_response
from intake.explain import breathlessness_in, clinical_text, warning_signs
from intake.forms import AgeForm, CallBackForm, IntakeForm, SafetyForm
from intake.links import intake_token
from intake.models import Intake, SafetyScreen
from intake.selectors import intake_get_by_token, result_context
from intake.services import intake_submit, patient_language_set
from intake.urgent import (
    CallBackInvalid,
    call_back_submit,
    hours_context,
    safety_screen_record,
    urgent_texts,
)
from intake.validation import IntakeInvalid

SAFETY_CLEAR = "none"
# The browser session's last flagged safety screen: its call-back, and changed answers.
SCREEN_SESSION_KEY = "safety_screen_id"


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="30/m", method="POST", block=False)
def intake_start(request: HttpRequest) -> HttpResponse:
    """GET: the safety questions. POST: the step the form says it is (safety or details)."""
    if getattr(request, "limited", False):
        return render(request, "intake/rate_limited.html", status=429)
    if request.method == "GET":
        return render(request, "intake/safety.html", {"form": SafetyForm()})
    if request.POST.get("step") == "details":
        return _details_step(request)
    if request.POST.get("step") == "age":
        return _age_step(request)
    form = SafetyForm(request.POST)
    if not form.is_valid():
        return render(request, "intake/safety.html", {"form": form}, status=400)
    if form.red_flags():
        # Straight to the urgent page: no form to finish before being told to seek care. The
        # screen is saved first, anonymously, whatever the patient does next.
        screen = safety_screen_record(red_flags=form.red_flags())
        request.session[SCREEN_SESSION_KEY] = screen.pk
        return render(request, "intake/urgent.html", _screen_context(screen, CallBackForm()))
    return render(request, "intake/age.html", {"form": AgeForm(initial={"safety": SAFETY_CLEAR})})


def _age_step(request: HttpRequest) -> HttpResponse:
    """The age, early: under 12 a kind page (section 9); else the rest, a child's with the
    parent or guardian's questions."""
    form = AgeForm(request.POST)
    if not form.is_valid():
        return render(request, "intake/age.html", {"form": form}, status=400)
    if form.cleaned_data["safety"] != SAFETY_CLEAR:
        return render(request, "intake/safety.html", {"form": SafetyForm()}, status=400)
    age = form.cleaned_data["age"]
    if age < triage.QUESTIONS["age"].min:
        return render(request, "intake/under_12.html", _under_12_context())
    initial = {"safety": SAFETY_CLEAR, "age": age}
    return render(request, "intake/details.html", {"form": IntakeForm(initial=initial)})


def _under_12_context() -> dict:
    """Section 9: where to go instead, and the warning signs with where each one leads."""
    return {
        "message": clinical_text(triage.UNDER_12_MESSAGE),
        "routes": [
            {"text": group.route_text, "signs": group.statements} for group in warning_signs()
        ],
        "breathlessness": breathlessness_in(),
    }


def _details_step(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST)
    if form.is_valid() and form.cleaned_data["safety"] != SAFETY_CLEAR:
        # The safety step was skipped (an old page, a hand-made post): ask it first.
        return render(request, "intake/safety.html", {"form": SafetyForm()}, status=400)
    if form.is_valid():
        patient, answers = form.submission()
        try:
            intake = intake_submit(
                patient=patient,
                answers=answers,
                safety_screen_id=request.session.get(SCREEN_SESSION_KEY),
            )
        except IntakeInvalid as exc:
            form.add_service_errors(exc.errors)
        else:
            request.session.pop(SCREEN_SESSION_KEY, None)  # linked once, to this intake
            return redirect("intake:result", token=intake_token(intake))
    return render(request, "intake/details.html", {"form": form}, status=400)


@require_GET
def intake_urgent(request: HttpRequest) -> HttpResponse:
    """The urgent page of this session's flagged screen; without one, the general advice."""
    screen = _session_screen(request)
    if screen is not None:
        return render(request, "intake/urgent.html", _screen_context(screen, CallBackForm()))
    return render(request, "intake/urgent.html", _urgent_context([]))


@require_POST
@ratelimit(key="ip", rate="10/m", method="POST", block=False)
def intake_call_back(request: HttpRequest) -> HttpResponse:
    """The urgent page's call-back form: an urgent intake, the case opened, a confirmation."""
    if getattr(request, "limited", False):
        return render(request, "intake/rate_limited.html", status=429)
    screen = _session_screen(request)
    if screen is None:  # no flagged screen in this session (expired, or a hand-made post)
        return redirect("intake:start")
    form = CallBackForm(request.POST)
    if form.is_valid():
        try:
            intake = call_back_submit(screen_id=screen.pk, **form.cleaned_data)
        except CallBackInvalid as exc:
            form.add_service_errors(exc.errors)
        else:
            return redirect("intake:result", token=intake_token(intake))
    return render(request, "intake/urgent.html", _screen_context(screen, form), status=400)


def _session_screen(request: HttpRequest) -> SafetyScreen | None:
    screen_id = request.session.get(SCREEN_SESSION_KEY)
    return SafetyScreen.objects.filter(pk=screen_id).first() if screen_id else None


def _urgent_context(red_flags: list[str]) -> dict:
    return {
        **urgent_texts(red_flags),
        **hours_context(),
        "disclaimer": clinical_text(triage.DISCLAIMER),
    }


def _screen_context(screen: SafetyScreen, form: CallBackForm) -> dict:
    return {**_urgent_context(screen.red_flags), "call_back_form": form}


@require_GET
def intake_result(request: HttpRequest, token: str) -> HttpResponse:
    intake: Intake = intake_get_by_token(token)  # a bad link: ApplicationErrorMiddleware
    context = result_context(intake, token)  # onward links echo this token
    if not context["urgent"]:
        return render(request, "intake/result.html", context)
    urgent = _urgent_context(list(intake.outcome.red_flags))
    call_back_done = intake.source == Intake.Source.CALL_BACK
    return render(
        request, "intake/urgent.html", {**urgent, **context, "call_back_done": call_back_done}
    )


@require_GET
def advice_sheet_download(request: HttpRequest, token: str) -> HttpResponse:
    """The take-home PDF for the token holder, while the link lasts.

    Patient rules for everyone, signed in or not: a clinician opens the sheet from the
    intake's staff page (dashboard), where the download is audited.
    """
    outcome = advice_sheet_outcome_for(token=token)
    return advice_sheet_response(outcome)


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The switch on every patient page: the browser's cookie, and the patient's stored
    language when the page was opened by their link; then back to the page."""
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return response
    patient_language_set(path=urlsplit(next_url).path, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    return response
