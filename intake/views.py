"""The patient's pages: the intake form in short steps, the urgent page, the result page."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from clinic.languages import language_supported, patient_languages
from intake import triage
from intake.advice import advice_sheet_outcome_for, advice_sheet_response
from intake.explain import breathlessness_in, clinical_text, warning_signs
from intake.forms import (
    STEP_NAMES,
    AgeForm,
    CallBackForm,
    IntakeForm,
    SafetyForm,
    answers_given,
    step_number,
)
from intake.links import intake_token, short_booking_path_open
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
    """GET: the safety questions. POST: the step the form says it is; "Back" (go=back) shows
    the step before it with every answer kept."""
    if getattr(request, "limited", False):
        return render(request, "intake/rate_limited.html", status=429)
    if request.method == "GET":
        return _safety_page(request, SafetyForm())
    step = request.POST.get("step")
    if request.POST.get("go") == "back" and step in STEP_NAMES[1:]:
        return _step_page(request, STEP_NAMES[STEP_NAMES.index(step) - 1], _given(request))
    if step in STEP_NAMES[2:]:
        return _details_step(request, step)
    if step == "age":
        return _age_step(request)
    form = SafetyForm(request.POST)
    if not form.is_valid():
        return _safety_page(request, form, status=400)
    if form.red_flags():
        # Straight to the urgent page: no form to finish before being told to seek care. The
        # screen is saved first, anonymously, whatever the patient does next.
        screen = safety_screen_record(red_flags=form.red_flags())
        request.session[SCREEN_SESSION_KEY] = screen.pk
        return render(request, "intake/urgent.html", _screen_context(screen, CallBackForm()))
    return _step_page(request, "age", {**_given(request), "safety": SAFETY_CLEAR})


def _age_step(request: HttpRequest) -> HttpResponse:
    """The age, early: under 12 a kind page (section 9); else the rest, a child's with the
    parent or guardian's questions."""
    form = AgeForm(request.POST)
    if not form.is_valid():
        return _age_page(request, form, IntakeForm(initial=_given(request), step="age"), 400)
    if form.cleaned_data["safety"] != SAFETY_CLEAR:
        return _safety_page(request, SafetyForm(), status=400)
    age = form.cleaned_data["age"]
    if age < triage.QUESTIONS["age"].min:
        return render(request, "intake/under_12.html", _under_12_context())
    return _step_page(request, "knee", {**_given(request), "safety": SAFETY_CLEAR, "age": age})


def _given(request: HttpRequest) -> dict[str, object]:
    return answers_given(request.POST)


def _steps(step: str) -> dict[str, int]:
    return {"step_number": step_number(step), "step_count": len(STEP_NAMES)}


def _safety_page(
    request: HttpRequest, form: SafetyForm, carry: IntakeForm | None = None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "carry": carry, **_steps("safety")}
    return render(request, "intake/safety.html", context, status=status)


def _age_page(
    request: HttpRequest, form: AgeForm, carry: IntakeForm | None = None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "carry": carry, **_steps("age")}
    return render(request, "intake/age.html", context, status=status)


def _step_page(request: HttpRequest, step: str, given: dict[str, object]) -> HttpResponse:
    """A step shown afresh (going forward or back): the answers so far as initial values;
    on the safety and age pages the later answers ride along as hidden inputs."""
    carry = IntakeForm(initial=given, step=step)
    if step == "safety":  # back from the age: every answer was "no" to get there
        answered = SafetyForm(initial=dict.fromkeys(triage.RED_FLAGS, "no"))
        return _safety_page(request, answered, carry)
    if step == "age":
        return _age_page(request, AgeForm(initial=given), carry)
    return render(request, "intake/details.html", {"form": carry, **_steps(step)})


def _under_12_context() -> dict:
    """Section 9: where to go instead, and the warning signs with where each one leads."""
    return {
        "message": clinical_text(triage.UNDER_12_MESSAGE),
        "routes": [
            {"text": group.route_text, "signs": group.statements} for group in warning_signs()
        ],
        "breathlessness": breathlessness_in(),
    }


def _details_step(request: HttpRequest, step: str) -> HttpResponse:
    """One of the detail steps: every answer so far is checked again (a tampered hidden input
    sends the patient back to the step where that question is); the last step submits."""
    form = IntakeForm(request.POST, step=step)
    form.is_valid()
    if form.data.get("safety") != SAFETY_CLEAR:
        # The safety step was skipped (an old page, a hand-made post): ask it first.
        return _safety_page(request, SafetyForm(), status=400)
    wrong = form.step_with_errors(upto=step)
    if wrong is None and step == "details":
        wrong = _submit(request, form)
        if wrong is None:
            return redirect("intake:result", token=intake_token(form.intake))
    if wrong == "age":  # the hidden age was changed: ask it again, with what is wrong
        age_form = AgeForm(request.POST)
        if age_form.is_valid():
            for error in form.errors["age"]:
                age_form.add_error("age", error)
        return _age_page(request, age_form, IntakeForm(request.POST, step="age"), 400)
    if wrong is not None:
        form.step = wrong
        return render(request, "intake/details.html", {"form": form, **_steps(wrong)}, status=400)
    following = STEP_NAMES[STEP_NAMES.index(step) + 1]
    return _step_page(request, following, _given(request))


def _submit(request: HttpRequest, form: IntakeForm) -> str | None:
    """Save the intake (`form.intake`), or put the service's errors on their fields and say
    which step has the first of them."""
    patient, answers = form.submission()
    try:
        form.intake = intake_submit(
            patient=patient,
            answers=answers,
            safety_screen_id=request.session.get(SCREEN_SESSION_KEY),
        )
    except IntakeInvalid as exc:
        form.add_service_errors(exc.errors)
        return form.step_with_errors(upto="details") or "details"
    request.session.pop(SCREEN_SESSION_KEY, None)  # linked once, to this intake
    return None


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
    chosen = request.POST.get("language", "")
    if chosen not in dict(settings.LANGUAGES) and chosen not in dict(patient_languages()):
        return response
    language = language_supported(chosen)  # "en-gb" (the clinic's English) is stored as "en"
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


@require_GET
@ratelimit(key="ip", rate="30/m", block=False)
def booking_short(request: HttpRequest, code: str) -> HttpResponse:
    """`/b/<code>`, the advice sheet's typed link: on to the booking-only link it stands for.
    A wrong code is a bad link (404), an old one expired (410), like every patient link."""
    if getattr(request, "limited", False):
        return render(request, "intake/rate_limited.html", status=429)
    return redirect(short_booking_path_open(code))
