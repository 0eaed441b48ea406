"""Thin Celery tasks for messages: they take ids and call the messaging services."""

import logging

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings
from django.utils import timezone

from clinic.messaging import services
from clinic.messaging.models import Message

logger = logging.getLogger(__name__)


@shared_task(name="messaging.message_send", bind=True, max_retries=None)
def message_send(self, message_id: int) -> None:
    message = services.message_deliver(message_id=message_id)
    if message is None or message.status != Message.Status.QUEUED or self.request.is_eager:
        return
    wait = (message.not_before - timezone.now()).total_seconds()
    # Only a provider retry (minutes at most) comes back by countdown; a message waiting
    # for the morning or tomorrow is found by the dispatch scan, never by a long ETA.
    if 0 < wait <= settings.MESSAGE_RETRY_MAX_SECONDS:
        try:
            raise self.retry(countdown=wait)
        except Retry:
            raise
        except Exception:  # broker down: the dispatch scan republishes it when due
            logger.warning("could not schedule the retry of message %s", message_id)


@shared_task(name="messaging.messages_dispatch_due")
def messages_dispatch_due() -> int:
    return services.messages_dispatch_due()
