"""Twilio's webhook signature (`X-Twilio-Signature`), checked with the standard library.

Twilio signs each webhook with HMAC-SHA1, keyed by the account's auth token, over the full
URL it called followed by every POST parameter name and value, sorted by name; the header
carries the base64 digest. https://www.twilio.com/docs/usage/webhooks/webhooks-security
"""

import base64
import hashlib
import hmac
from collections.abc import Iterable


def twilio_signature(*, url: str, params: Iterable[tuple[str, str]], auth_token: str) -> str:
    """The signature Twilio would send for this request."""
    payload = url + "".join(f"{key}{value}" for key, value in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_valid(
    *, url: str, params: Iterable[tuple[str, str]], signature: str | None, auth_token: str
) -> bool:
    """True only for a present signature that matches; no auth token configured ⇒ False."""
    if not signature or not auth_token:
        return False
    expected = twilio_signature(url=url, params=params, auth_token=auth_token)
    return hmac.compare_digest(expected, signature)
