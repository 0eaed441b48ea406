"""Twilio, through its own maintained library: the webhook signature and the REST client.

The only module that imports `twilio`. The signature (`X-Twilio-Signature`) is checked by
`twilio.request_validator.RequestValidator`, texts go out through `twilio.rest.Client`
(`messages.create`). https://www.twilio.com/docs/usage/webhooks/webhooks-security
"""

from collections.abc import Mapping

from django.conf import settings
from twilio.http import HttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client


def twilio_signature_valid(
    *, url: str, params: Mapping[str, object], signature: str | None, auth_token: str
) -> bool:
    """True only for a present signature that matches; no auth token configured ⇒ False.

    `params` is the POST (a Django QueryDict: repeated names are signed value by value).
    """
    if not signature or not auth_token:
        return False
    return bool(RequestValidator(auth_token).validate(url, params, signature))


def twilio_client(*, http_client: HttpClient) -> Client:
    """A REST client with the account's credentials, over `http_client` (the library's own
    hook: `TwilioHttpClient` in production, pointed at a local server in tests)."""
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)
