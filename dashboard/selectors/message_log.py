"""The message log: every email and SMS, failed first."""

from django.db.models import (
    Case,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Substr

from clinic.messaging.models import Message

MESSAGE_PAGE_SIZE = 50


def messages_logged(*, status: str = "", channel: str = "") -> QuerySet[Message]:
    """Every email and SMS, failed first, then newest first (no bodies: they may be clinical)."""
    messages = Message.objects.defer("body_text", "body_html", "attachments")
    if status:
        messages = messages.filter(status=status)
    if channel:
        messages = messages.filter(channel=channel)
    failed_first = Q(status=Message.Status.FAILED)
    return messages.annotate(
        failed_rank=Case(
            When(failed_first, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        about_intake_id=_about_intake_id(),
    ).order_by("failed_rank", "-created_at", "-pk")


def _about_intake_id() -> Case:
    """The intake a message is about, from its opaque "intake:<id>" reference (else None)."""
    return Case(
        When(
            about__regex=r"^intake:[0-9]+$",
            then=Cast(Substr("about", len("intake:") + 1), IntegerField()),
        ),
        default=None,
        output_field=IntegerField(),
    )
