"""SMS backends: one small interface, console, recording, file-based and Twilio (its library)."""

import fcntl
import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.conf import settings
from django.utils.module_loading import import_string
from twilio.base.exceptions import TwilioRestException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient

from clinic.messaging.twilio import twilio_client

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """A provider refused or failed; `permanent` says whether retrying can help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class BaseSmsBackend:
    def send(self, *, to: str, body: str, idempotency_key: str = "") -> str:
        """Send one text; return the provider's message id or raise SmsError.

        `idempotency_key` is the message's own key, for providers that honour one.
        """
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """For `make run`: prints the text where the developer can see it."""

    def send(self, *, to: str, body: str, idempotency_key: str = "") -> str:
        print(f"--- SMS to {to} ---\n{body}\n--- end of SMS ---", flush=True)
        return "console"


@dataclass
class SentSms:
    to: str
    body: str
    provider_id: str


@dataclass
class _Outbox:
    messages: list[SentSms] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


outbox = _Outbox()


class RecordingSmsBackend(BaseSmsBackend):
    """For tests: keeps every text in `outbox.messages` (like Django's locmem email)."""

    def send(self, *, to: str, body: str, idempotency_key: str = "") -> str:
        with outbox.lock:
            provider_id = f"rec-{len(outbox.messages) + 1}"
            outbox.messages.append(SentSms(to=to, body=body, provider_id=provider_id))
        return provider_id


class FileSmsBackend(BaseSmsBackend):
    """For integration tests and demos across processes: a provider that writes to files.

    Every call is appended to `calls.jsonl` in SMS_FILE_PATH. Like a provider that honours
    idempotency keys, a second call with a key it has already delivered answers with the
    first id and delivers nothing (`delivered.jsonl` gets one line per real delivery).
    """

    def send(self, *, to: str, body: str, idempotency_key: str = "") -> str:
        provider_id = self._send(to=to, body=body, idempotency_key=idempotency_key)
        if settings.SMS_FILE_LATENCY_MS:
            # A real provider takes a moment to answer, after it has already delivered:
            # the window in which a dying worker leaves a delivered text marked "sending".
            time.sleep(settings.SMS_FILE_LATENCY_MS / 1000)
        return provider_id

    def _send(self, *, to: str, body: str, idempotency_key: str) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        record = {"to": to, "body": body, "key": idempotency_key, "pid": os.getpid()}
        with open(folder / "calls.jsonl", "a", encoding="utf-8") as calls:
            fcntl.flock(calls, fcntl.LOCK_EX)
            calls.write(json.dumps(record) + "\n")
        if not idempotency_key:
            return self._deliver(folder, record)
        marker = folder / "keys" / hashlib.sha256(idempotency_key.encode()).hexdigest()
        marker.parent.mkdir(exist_ok=True)
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return marker.read_text(encoding="utf-8") or "file-duplicate"
        provider_id = self._deliver(folder, record)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(provider_id)
        return provider_id

    def _deliver(self, folder: Path, record: dict) -> str:
        with open(folder / "delivered.jsonl", "a", encoding="utf-8") as delivered:
            fcntl.flock(delivered, fcntl.LOCK_EX)
            delivered.seek(0, os.SEEK_END)
            provider_id = f"file-{os.getpid()}-{delivered.tell()}"
            delivered.write(json.dumps({**record, "provider_id": provider_id}) + "\n")
        return provider_id


class TwilioSmsBackend(BaseSmsBackend):
    """Twilio's Messages API through `twilio.rest.Client` (the clinic's provider in production).

    A network error, a timeout, a 429 or a 5xx may pass: SmsError, retried. Any other
    refusal (a bad number, an unverified sender, bad credentials) is permanent.
    """

    timeout_seconds = 10

    def http_client(self) -> HttpClient:
        """The library's HTTP client; tests override this to reach a local server."""
        return TwilioHttpClient(timeout=self.timeout_seconds)

    def send(self, *, to: str, body: str, idempotency_key: str = "") -> str:
        # Twilio's Messages API takes no idempotency key: the database status is the guard.
        client = twilio_client(http_client=self.http_client())
        try:
            message = client.messages.create(to=to, from_=settings.SMS_FROM, body=body)
        except requests.RequestException as exc:
            raise SmsError(f"network error: {type(exc).__name__}") from exc
        except TwilioRestException as exc:
            if exc.status >= 500 or exc.status == 429:
                raise SmsError(f"provider answered {exc.status}") from exc
            raise SmsError(f"provider refused with {exc.status}", permanent=True) from exc
        return str(message.sid or "")


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
