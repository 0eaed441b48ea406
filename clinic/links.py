"""Signed, expiring, purpose-bound patient links: an id and a purpose, never health data.

Patients have no passwords. Each link is `django.core.signing` over `{"id", "p"}`, salted
with its purpose so a follow-up token can never open a booking and vice versa.

A link made from another (a booking-only link on a page opened with a wider one) carries its
parent's issue time as `"t"`, and its age counts from there: hopping from page to page never
renews access, so the lifetime (PATIENT_LINK_MAX_AGE) is absolute.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy

from clinic.errors import ApplicationError


class BadLink(ApplicationError):
    """The token was tampered with, belongs to another purpose, is malformed, or opens a
    record that is no longer there: the same answer for all, so nothing is revealed."""

    type = "invalid_link"
    status_code = 404
    default_detail = gettext_lazy(
        "This link is not valid. Please use the link from your latest message."
    )

    @property
    def message(self) -> str:
        """The sentence shown to the patient (the older name of `detail`)."""
        return self.detail


class ExpiredLink(BadLink):
    """A genuine link past its lifetime: 410, so the patient knows to use a newer one."""

    type = "link_expired"
    status_code = 410
    default_detail = gettext_lazy(
        "This link has expired. Please use the link from your latest message."
    )


def _salt(purpose: str) -> str:
    return f"stride.links.{purpose}"


def link_token_make(*, purpose: str, object_id: int, issued_at: int | None = None) -> str:
    """A signed link for one purpose. Pass `issued_at` (from `link_token_open`) when the link
    is made from one the patient already holds, so that it expires with that one."""
    payload: dict[str, int | str] = {"id": object_id, "p": purpose}
    if issued_at is not None:
        payload["t"] = issued_at
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def link_token_open(
    *, purpose: str, token: str, max_age: timedelta | None = None
) -> tuple[int, int]:
    """The object id inside `token` and when its lifetime began (Unix seconds), or raise
    BadLink / ExpiredLink."""
    if max_age is None:
        max_age = settings.PATIENT_LINK_MAX_AGE
    if not isinstance(token, str) or len(token) > 400:
        raise BadLink
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=max_age)
        # The signing time, for links that carry no earlier issue time of their own.
        signed_at = signing.b62_decode(token.rsplit(":", 2)[-2])
    except signing.SignatureExpired as exc:
        raise ExpiredLink from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadLink from exc
    if not isinstance(payload, dict) or payload.get("p") != purpose:
        raise BadLink
    object_id = payload.get("id")
    if not isinstance(object_id, int) or isinstance(object_id, bool):
        raise BadLink
    issued_at = payload.get("t", signed_at)
    if not isinstance(issued_at, int) or isinstance(issued_at, bool):
        raise BadLink
    if time.time() - issued_at > max_age.total_seconds():
        raise ExpiredLink
    return object_id, issued_at


def link_token_read(*, purpose: str, token: str, max_age: timedelta | None = None) -> int:
    """Return the object id inside `token`, or raise BadLink / ExpiredLink."""
    return link_token_open(purpose=purpose, token=token, max_age=max_age)[0]
