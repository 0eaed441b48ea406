"""Texts go out through Twilio's own library (`twilio.rest.Client`, issue 13 #16), here against
a local HTTP server that answers as Twilio's Messages API does: nothing reaches the network.

The library's HTTP client hook (`TwilioSmsBackend.http_client`) is the one seam: the real
`TwilioHttpClient` and `requests` run, only the host is the local server's.
"""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import time_machine
from twilio.http.http_client import TwilioHttpClient

from clinic.messaging.models import Message
from clinic.messaging.services import message_queue, message_send
from clinic.messaging.sms import SmsError, TwilioSmsBackend
from intake.recipients import patient_recipient
from tests.support.factories import patient_row

SID = "AC00000000000000000000000000000001"
TOKEN = "secret-auth-token"
TWILIO_API = "https://api.twilio.com"


class FakeTwilio(ThreadingHTTPServer):
    """Answers `POST /2010-04-01/Accounts/<sid>/Messages.json` with `status` and `reply`,
    after `delay` seconds; keeps every request it got."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.status = 201
        self.reply: dict = {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}
        self.delay = 0.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeTwilio

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        auth = base64.b64decode(self.headers["Authorization"].split()[1]).decode()
        self.server.requests.append({"path": self.path, "form": form, "auth": auth})
        time.sleep(self.server.delay)
        body = json.dumps(self.server.reply).encode()
        try:
            self.send_response(self.server.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout test)

    def log_message(self, *args) -> None:
        pass


class LocalHttpClient(TwilioHttpClient):
    """The library's own client, sending to `base_url` instead of api.twilio.com."""

    base_url = ""

    def request(self, method, url, *args, **kwargs):
        assert url.startswith(TWILIO_API), url  # the library built Twilio's real URL
        return super().request(method, self.base_url + url[len(TWILIO_API) :], *args, **kwargs)


class LocalTwilioBackend(TwilioSmsBackend):
    """`SMS_BACKEND` for these tests: production's backend, its HTTP client aimed locally."""

    def http_client(self):
        client = LocalHttpClient(timeout=self.timeout_seconds)
        client.base_url = LocalTwilioBackend.base_url
        return client

    base_url = ""


@pytest.fixture
def twilio_api(settings):
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SMS_FROM = "+15550100199"
    settings.SMS_BACKEND = "tests.clinic.test_twilio_sms.LocalTwilioBackend"
    server = FakeTwilio()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    LocalTwilioBackend.base_url = server.base_url
    yield server
    server.shutdown()
    server.server_close()


def test_a_text_is_posted_to_twilios_messages_api_with_the_account_credentials(twilio_api):
    provider_id = LocalTwilioBackend().send(to="+12025550143", body="Hello Sam")
    assert provider_id == "SM0123456789abcdef0123456789abcdef"
    (request,) = twilio_api.requests
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["auth"] == f"{SID}:{TOKEN}"
    assert request["form"] == {
        "To": ["+12025550143"],
        "From": ["+15550100199"],
        "Body": ["Hello Sam"],
    }


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_or_failing_provider_is_a_retryable_error(twilio_api, status):
    twilio_api.status, twilio_api.reply = status, {"code": 20429, "message": "Too many"}
    with pytest.raises(SmsError) as raised:
        LocalTwilioBackend().send(to="+12025550143", body="Hello")
    assert not raised.value.permanent
    assert str(raised.value) == f"provider answered {status}"


@pytest.mark.parametrize("status", [400, 401, 404])
def test_a_refusal_is_a_permanent_error(twilio_api, status):
    twilio_api.status = status
    twilio_api.reply = {"code": 21211, "message": "The 'To' number is not a valid phone number."}
    with pytest.raises(SmsError) as raised:
        LocalTwilioBackend().send(to="+12025550143", body="Hello")
    assert raised.value.permanent
    assert str(raised.value) == f"provider refused with {status}"


def test_a_provider_that_does_not_answer_in_time_is_a_retryable_network_error(twilio_api):
    twilio_api.delay = 2.0
    backend = LocalTwilioBackend()
    backend.timeout_seconds = 0.3
    started = time.monotonic()
    with pytest.raises(SmsError) as raised:
        backend.send(to="+12025550143", body="Hello")
    assert time.monotonic() - started < 1.5  # the timeout reached the library's client
    assert not raised.value.permanent
    assert str(raised.value) == "network error: ReadTimeout"


def test_an_unreachable_provider_is_a_retryable_network_error(twilio_api):
    twilio_api.shutdown()
    twilio_api.server_close()  # nothing listens on the port any more
    with pytest.raises(SmsError) as raised:
        LocalTwilioBackend().send(to="+12025550143", body="Hello")
    assert not raised.value.permanent
    assert str(raised.value) == "network error: ConnectionError"


def test_production_builds_the_librarys_own_client_with_a_timeout():
    client = TwilioSmsBackend().http_client()
    assert type(client) is TwilioHttpClient
    assert client.timeout == TwilioSmsBackend.timeout_seconds == 10


@pytest.mark.django_db
@time_machine.travel("2026-06-10T12:00:00+00:00", tick=False)
def test_a_queued_text_goes_out_through_twilio_and_records_its_sid(twilio_api):
    patient = patient_row(email="")
    message = message_queue(
        template="sms_opt_in_confirm",
        purpose="test",
        idempotency_key="k1",
        recipient=patient_recipient(patient, channel="sms"),
        context={},
        about="intake:1",
    )
    message = message_send(message_id=message.pk)
    assert message.status == Message.Status.SENT
    assert message.provider_id == "SM0123456789abcdef0123456789abcdef"
    assert twilio_api.requests[0]["form"]["To"] == [patient.phone]


@pytest.mark.django_db
@time_machine.travel("2026-06-10T12:00:00+00:00", tick=False)
def test_a_text_twilio_refuses_fails_for_good_and_one_it_cannot_take_now_is_retried(twilio_api):
    patient = patient_row(email="")
    recipient = patient_recipient(patient, channel="sms")
    refused, later = (
        message_queue(
            template="sms_opt_in_confirm", purpose="test", idempotency_key=key,
            recipient=recipient, context={}, about="intake:1",
        )
        for key in ("refused", "later")
    )  # fmt: skip
    twilio_api.status = 400
    refused = message_send(message_id=refused.pk)
    assert (refused.status, refused.error) == ("failed", "provider refused with 400")
    twilio_api.status = 503
    later = message_send(message_id=later.pk)
    assert (later.status, later.error) == ("queued", "provider answered 503")
