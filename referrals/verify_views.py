"""The patient's contact check before their first booking (referrals/verification.py):
`/book/<token>/verify/` sends a code by SMS or a link by email; the code is typed there, the
link (`/book/verify/<token>/`) leads on to the booking page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from clinic.errors import ApplicationError
from clinic.languages import patient_language_activate
from intake.selectors import intake_open_for_booking
from referrals import verification


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="20/m", block=False)
def verify(request: HttpRequest, token: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return render(request, "intake/rate_limited.html", status=429)
    intake, _ = intake_open_for_booking(token)
    patient_language_activate(request, intake.patient.language)
    if verification.contact_verified(intake):
        return redirect("referrals:book", token=token)
    context = {"channel": intake.patient.channel, "sent": "", "error": ""}
    status = 200
    if request.method == "POST":
        if "send" in request.POST:
            context["sent"] = verification.contact_verification_send(intake=intake)
        else:
            context["sent"] = "sms"
            try:
                verification.contact_verify_code(intake=intake, code=request.POST.get("code", ""))
            except ApplicationError as exc:
                context["error"], status = exc.detail, exc.status_code
            else:
                return redirect("referrals:book", token=token)
    return render(request, "referrals/verify.html", context, status=status)


@require_GET
def verify_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: confirms the address and opens the booking page."""
    return redirect(verification.contact_verify_link(token=token))
