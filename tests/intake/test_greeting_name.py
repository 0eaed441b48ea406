"""Free text from a patient never becomes a link in a message (issue 13, finding 2): messages
greet by a cleaned first name, and a URL-shaped or odd name is not shown at all."""

import pytest
from django.core import mail

from intake.models import Patient
from tests.support import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Alex Runner", "Alex"),
        ("  Zoë   O'Neil ", "Zoë"),
        ("Jean-Luc Picard", "Jean-Luc"),
        ("José", "José"),
        ("evil.com/win Smith", ""),
        ("http://evil.example", ""),
        ("www.evil.example Alex", ""),
        ("alex@evil.example", ""),
        ("evil。com", ""),  # an ideographic full stop some clients link
        ("Call+15550100 now", ""),
        ("Alex\u202eevil", ""),  # a bidi override hides a link's real direction
        ("A" * 41, ""),
        ("", ""),
    ],
)
def test_messages_greet_by_a_cleaned_first_name(name, first):
    assert Patient(name=name).greeting_name == first


@pytest.mark.parametrize("name", ["evil.com/win Smith", "click.here", "bit.ly/x"])
def test_a_url_shaped_name_never_reaches_a_message(name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_intake(patient_overrides={"name": name, "channel": "email"})
    from clinic.messaging.models import Message

    bodies = [m.body_text + m.body_html + m.subject for m in Message.objects.all()]
    bodies += [m.body for m in mail.outbox]
    assert bodies, "the intake queued a message"
    first_word = name.split()[0]
    assert all(first_word not in body for body in bodies)
    assert all("Hello ," not in body for body in bodies)
