"""The provider's inbound SMS webhook: signed requests only; STOP-type words suppress the number."""

import threading

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from twilio.request_validator import RequestValidator

from clinic.messaging.inbound import sms_inbound_receive
from clinic.messaging.models import InboundSms, Message, Suppression
from clinic.messaging.sms import outbox
from clinic.messaging.suppressions import suppression_add
from clinic.messaging.twilio import twilio_signature_valid
from intake.models import Patient
from tests.support.factories import patient_row

pytestmark = pytest.mark.django_db
URL = "/m/sms/inbound/"
TOKEN = "12345"
PHONE = "+12025550143"


@pytest.fixture(autouse=True)
def _twilio(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    with time_machine.travel("2026-06-10T12:00:00+00:00", tick=False):
        yield


def _patient(**overrides) -> Patient:
    """An SMS-only patient (no email address)."""
    return patient_row(**{"email": "", **overrides})


def twilio_signature(*, url: str, params: dict, auth_token: str) -> str:
    """What Twilio puts in X-Twilio-Signature: its own library computes it here."""
    return RequestValidator(auth_token).compute_signature(url, params)


def _post(client, body, *, sid="SM1", signature=None, from_number=PHONE, **extra):
    data = {"From": from_number, "To": "+15550100199", "Body": body, "MessageSid": sid}
    if signature is None:
        signature = twilio_signature(url="http://testserver" + URL, params=data, auth_token=TOKEN)
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return client.post(URL, data, **headers, **extra)


def test_it_matches_twilios_published_signature_example():
    # The worked example from Twilio's webhook security documentation.
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675310",
        "Digits": "1234",
        "From": "+14158675310",
        "To": "+18005551212",
    }
    assert twilio_signature_valid(
        url="https://mycompany.com/myapp.php?foo=1&bar=2",
        params=params,
        signature="GvWf1cFY/Q7PnoempGyD5oXAezc=",
        auth_token="12345",
    )


def test_it_refuses_a_bad_signature_and_changes_nothing(client):
    _patient()
    response = _post(client, "STOP", signature="bm90IGEgc2lnbmF0dXJl")
    assert response.status_code == 403
    assert not Suppression.objects.exists()
    assert Message.objects.count() == 0


def test_it_refuses_a_missing_signature(client):
    _patient()
    assert _post(client, "STOP", signature="").status_code == 403
    assert not Suppression.objects.exists()


def test_it_refuses_everything_when_no_auth_token_is_configured(client, settings):
    _patient()
    settings.TWILIO_AUTH_TOKEN = ""
    assert _post(client, "STOP").status_code == 403


def test_a_signature_for_other_parameters_is_refused(client):
    _patient()
    good_for_start = twilio_signature(
        url="http://testserver" + URL,
        params={"From": PHONE, "To": "+15550100199", "Body": "START", "MessageSid": "SM1"},
        auth_token=TOKEN,
    )
    assert _post(client, "STOP", signature=good_for_start).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        "STOP",
        "stop",
        " Stop ",
        "STOPALL",
        "stop all",
        "QUIT",
        "quit",
        "END",
        "End",
        "REVOKE",
        "revoke",
        "OPT OUT",
        "opt out",
        "Opt  Out",
        "optout",
        "CANCEL",
        "cancel",
        "UNSUBSCRIBE",
        "Unsubscribe.",
        "u n s u b s c r i b e",
    ],
)
def test_each_opt_out_word_suppresses_that_number_for_sms(client, body):
    _patient(), _patient(name="Sam again"), _patient(phone="+12025550188")
    response = _post(client, body)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    suppression = Suppression.objects.get()
    assert (suppression.channel, suppression.address) == ("sms", PHONE)
    assert suppression.source == "sms_stop"


def test_an_opt_out_is_confirmed_by_one_text_even_if_the_webhook_comes_twice(
    client, django_capture_on_commit_callbacks
):
    _patient()
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "STOP")
        _post(client, "STOP")  # the provider retried the same webhook
    assert len(outbox.messages) == 1
    assert outbox.messages[0].to == PHONE
    assert "unsubscribed" in outbox.messages[0].body


def test_start_opts_back_in(client, django_capture_on_commit_callbacks):
    _patient()
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "STOP", sid="SM1")
        _post(client, "start", sid="SM2")
    assert not Suppression.objects.exists()
    assert len(outbox.messages) == 2
    assert "subscribed again" in outbox.messages[1].body


def test_other_replies_change_nothing(client):
    _patient()
    for body in ("Thanks!", "stop running?", "STOPPED", ""):
        assert _post(client, body).status_code == 200
    assert not Suppression.objects.exists()
    assert Message.objects.count() == 0


def test_the_webhook_refuses_get(client):
    assert client.get(URL).status_code == 405


# --- Replays and the scope of START (issue 13, finding 16) -----------------------------------


def test_a_replayed_start_does_not_undo_a_later_stop(client, django_capture_on_commit_callbacks):
    """Twilio's signature has no time in it: a captured START can be posted again later."""
    _patient()
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "START", sid="SM10")
        _post(client, "STOP", sid="SM11")
        assert _post(client, "START", sid="SM10").status_code == 200  # the replay
    assert Suppression.objects.filter(channel="sms").exists()
    assert len(outbox.messages) == 2  # the replay confirmed nothing either


def test_a_webhook_without_a_message_sid_changes_nothing(client):
    _patient()
    assert _post(client, "STOP", sid="").status_code == 200
    assert not Suppression.objects.exists()
    assert Message.objects.count() == 0


def test_start_opts_back_in_for_sms_only(client):
    from clinic.messaging.suppressions import suppression_add

    _patient(email="sam@example.com")
    suppression_add(channel="email", address="sam@example.com", source="email_link")
    _post(client, "STOP", sid="SM20")
    _post(client, "START", sid="SM21")
    assert list(Suppression.objects.values_list("channel", flat=True)) == ["email"]


def test_a_replay_is_ignored_even_after_the_message_log_lost_the_confirmation(client):
    """The record of a handled MessageSid is its own row, not the confirmation text."""
    _patient()
    _post(client, "START", sid="SM30")
    _post(client, "STOP", sid="SM31")
    Message.objects.all().delete()  # say, the message log was pruned
    _post(client, "START", sid="SM30")  # the captured START, replayed
    assert Suppression.objects.filter(channel="sms", address=PHONE).exists()
    assert Message.objects.count() == 0


def test_the_database_refuses_a_second_row_for_one_message_sid():
    InboundSms.objects.create(provider_id="SM40", action="opted_out")
    with pytest.raises(IntegrityError), transaction.atomic():
        InboundSms.objects.create(provider_id="SM40", action="opted_in")
    assert InboundSms.objects.get().action == "opted_out"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_deliveries_of_one_start_act_once():
    """Each thread passes any read-before-write at the same moment; the unique constraint
    lets one insert its row and act, the others wait on it and then change nothing."""
    suppression_add(channel="sms", address=PHONE, source="sms_stop")
    attempts = 8
    start = threading.Barrier(attempts)
    results: list[str] = []

    def deliver() -> None:
        try:
            start.wait(timeout=30)
            action = sms_inbound_receive(from_number=PHONE, body="START", provider_id="SM50")
            results.append(action)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["ignored"] * (attempts - 1) + ["opted_in"]
    assert InboundSms.objects.count() == 1
    assert Message.objects.filter(purpose="sms_opt_in_confirm").count() == 1
    assert not Suppression.objects.exists()
