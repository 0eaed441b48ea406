"""The follow-up answer page behind `/f/<token>/`: GET shows, only POST records.

Mail scanners and link previews open every link in a message, so opening
`/f/<token>/?answer=worse` only shows the chosen answer with one button to send it.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from intake import triage
from intake.explain import clinical_text
from intake.follow_ups import (
    FollowUpAlreadyAnswered,
    encouragement_context,
    follow_up_get_by_token,
    follow_up_public,
    follow_up_respond,
)
from intake.forms import FollowUpAnswerForm
from intake.links import booking_url, follow_up_issued_at
from intake.models import FollowUp
from intake.selectors import appointment_in_hand
from intake.urgent import hours_context, urgent_texts


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="60/m", block=False)
def follow_up_answer(request: HttpRequest, token: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return render(request, "intake/rate_limited.html", status=429)
    # Refusals (a bad or expired link here, a closed check-in below) rise to the one page of
    # ApplicationErrorMiddleware, with their own status.
    follow_up = follow_up_get_by_token(token)
    if follow_up.status == FollowUp.Status.ANSWERED:
        return _already_answered(request, follow_up, token)
    if request.method == "GET":
        chosen = request.GET.get("answer")
        form = FollowUpAnswerForm(initial={"answer": chosen} if chosen else None)
        return _page(request, follow_up, form, chosen)
    form = FollowUpAnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, follow_up, form, request.POST.get("answer"), status=400)
    red_flags = None
    if form.cleaned_data["answer"] == FollowUp.Answer.WORSE:
        # Before anything else the warning signs are asked again: nothing is recorded until
        # each has a yes or a no.
        unanswered = form.safety_unanswered()
        if len(unanswered) == len(form.safety_fields()):
            return _page(request, follow_up, FollowUpAnswerForm(initial=request.POST), "worse")
        if unanswered:
            for key in unanswered:
                form.add_error(key, "Please answer yes or no.")
            return _page(request, follow_up, form, "worse", status=400)
        red_flags = form.red_flags()
    try:
        follow_up = follow_up_respond(
            follow_up_id=follow_up.pk,
            answer=form.cleaned_data["answer"],
            pain_now=form.cleaned_data["pain_now"],
            pain_worst_week=form.cleaned_data["pain_worst_week"],
            red_flags=red_flags,
        )
    except FollowUpAlreadyAnswered:
        follow_up.refresh_from_db()
        return _already_answered(request, follow_up, token)
    if follow_up.red_flags:
        return _urgent(request, follow_up)
    return render(request, "intake/followup_thanks.html", _outcome(follow_up, token))


def _urgent(request: HttpRequest, follow_up: FollowUp, status: int = 200) -> HttpResponse:
    """A warning sign after `worse`: the urgent route, at once (the clinic has been alerted)."""
    context = {
        **urgent_texts(follow_up.red_flags),
        **hours_context(),
        "intake": follow_up.intake,
        "disclaimer": clinical_text(triage.DISCLAIMER),
    }
    return render(request, "intake/urgent.html", context, status=status)


def _page(request, follow_up, form, chosen, status=200) -> HttpResponse:
    labels = dict(FollowUp.Answer.choices)
    context = {
        "form": form,
        "follow_up": follow_up,
        "chosen": chosen if chosen in labels else None,
        # The model's English label, through the catalogue ("Better", "About the same", ...).
        "chosen_label": gettext(labels[chosen]) if chosen in labels else None,
    }
    return render(request, "intake/followup_answer.html", context, status=status)


def _outcome(follow_up: FollowUp, token: str) -> dict:
    """The page after an answer; its booking links expire with the link that opened it."""
    public = follow_up_public(follow_up)
    issued_at = follow_up_issued_at(token)
    context = {
        "follow_up": follow_up,
        "not_improving": public["not_improving"],
        # Absent when a clinician already has the episode (booked or attended).
        "booking_url": (
            booking_url(follow_up.intake, issued_at=issued_at)
            if public["links"].get("book")
            else None
        ),
    }
    # A booked or attended appointment is shown instead of any invitation to book.
    in_hand = appointment_in_hand(follow_up.intake)
    if in_hand is not None:
        context["appointment"] = in_hand
        context["manage_url"] = booking_url(follow_up.intake, issued_at=issued_at)
    if not public["not_improving"]:
        context |= encouragement_context(follow_up.intake)
        if in_hand is None:
            context["exam_booking_url"] = booking_url(follow_up.intake, issued_at=issued_at)
    return context


def _already_answered(request: HttpRequest, follow_up: FollowUp, token: str) -> HttpResponse:
    if follow_up.red_flags:
        return _urgent(request, follow_up, status=409)
    context = _outcome(follow_up, token)
    return render(request, "intake/followup_answered.html", context, status=409)
