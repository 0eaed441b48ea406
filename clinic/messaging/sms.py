"""SMS backends: one small interface, a console backend, a recording one and Twilio's API."""

import logging
import threading
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """A provider refused or failed; `permanent` says whether retrying can help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class BaseSmsBackend:
    def send(self, *, to: str, body: str) -> str:
        """Send one text; return the provider's message id or raise SmsError."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """For `make run`: prints the text where the developer can see it."""

    def send(self, *, to: str, body: str) -> str:
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

    def send(self, *, to: str, body: str) -> str:
        with outbox.lock:
            provider_id = f"rec-{len(outbox.messages) + 1}"
            outbox.messages.append(SentSms(to=to, body=body, provider_id=provider_id))
        return provider_id


class TwilioSmsBackend(BaseSmsBackend):
    """Twilio's Messages API over HTTPS (the provider the clinic uses in production)."""

    timeout_seconds = 10

    def send(self, *, to: str, body: str) -> str:
        sid = settings.TWILIO_ACCOUNT_SID
        url = f"https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
        try:
            response = requests.post(
                url,
                data={"To": to, "From": settings.SMS_FROM, "Body": body},
                auth=(sid, settings.TWILIO_AUTH_TOKEN),
                timeout=self.timeout_seconds,
            )
        except requests.RequestException as exc:
            raise SmsError(f"network error: {type(exc).__name__}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise SmsError(f"provider answered {response.status_code}")
        if response.status_code >= 400:
            raise SmsError(f"provider refused with {response.status_code}", permanent=True)
        return str(response.json().get("sid", ""))


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
