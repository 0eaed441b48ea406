"""The inbound SMS webhook (STOP/START, signed by the provider) and the email opt-out page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from clinic.links import link_token_read
from clinic.messaging.inbound import sms_inbound_receive
from clinic.messaging.suppressions import OPT_OUT_LINK_PURPOSE, message_opt_out_by_link
from clinic.messaging.twilio import twilio_signature_valid

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@csrf_exempt  # the provider cannot hold a CSRF token; its signature is checked instead
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    # Twilio signs the exact URL it called; behind a proxy that is SITE_URL + the path.
    url = settings.SITE_URL + request.get_full_path()
    if not twilio_signature_valid(
        url=url,
        params=request.POST,
        signature=request.headers.get("X-Twilio-Signature"),
        auth_token=settings.TWILIO_AUTH_TOKEN,
    ):
        return HttpResponse("Invalid signature.", status=403, content_type="text/plain")
    sms_inbound_receive(
        from_number=request.POST.get("From", ""),
        body=request.POST.get("Body", ""),
        provider_id=request.POST.get("MessageSid", ""),
    )
    # Empty TwiML: the confirmation goes out through the message log like every text.
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


# The signed link is the credential; RFC 8058 one-click POSTs from mail clients carry no
# CSRF token. GET only shows the button: mail scanners open links, and that changes nothing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    # A bad or expired link rises as BadLink/ExpiredLink: the middleware shows the refusal page.
    message_id = link_token_read(
        purpose=OPT_OUT_LINK_PURPOSE, token=token, max_age=settings.MESSAGE_OPT_OUT_LINK_MAX_AGE
    )
    if request.method == "GET":
        return render(request, "messaging/opt_out.html", {"token": token})
    message_opt_out_by_link(message_id=message_id)
    return render(request, "messaging/opted_out.html")
