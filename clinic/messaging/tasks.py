"""Thin Celery tasks for messages: they take ids and call the messaging services."""

import logging

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings
from django.utils import timezone

from clinic.messaging import services
from clinic.messaging.models import Message

logger = logging.getLogger(__name__)


@shared_task(
    name="messaging.message_send",
    bind=True,
    max_retries=None,
    batch_task="messaging.messages_send",  # clinic.tasking sends several ids as one task
)
def message_send(self, message_id: int) -> None:
    message = services.message_send(message_id=message_id)
    if message is None or self.request.is_eager:
        return
    wait = _retry_wait(message)
    if wait:
        try:
            raise self.retry(countdown=wait)
        except Retry:
            raise
        except Exception:  # broker down: the send-due scan republishes it when due
            logger.warning("could not schedule the retry of message %s", message_id)


@shared_task(name="messaging.messages_send")
def messages_send(message_ids: list[int]) -> None:
    """Several messages in one task: the batched form of message_send."""
    try:
        attempted = services.messages_send(message_ids=message_ids)
    except Exception:  # the scan recovers whatever this left queued or sending
        logger.exception("a batch of %s messages was not delivered", len(message_ids))
        return
    for message in attempted:
        wait = _retry_wait(message)
        if wait:
            try:
                message_send.apply_async(args=(message.pk,), countdown=wait, retry=False)
            except Exception:
                logger.warning("could not schedule the retry of message %s", message.pk)


def _retry_wait(message: Message) -> float:
    """Seconds until a provider retry, or 0 when the message is done or waits for a scan.

    Only a provider retry (minutes at most) comes back by countdown; a message waiting
    for the morning or tomorrow is found by the send-due scan, never by a long ETA.
    """
    if message.status != Message.Status.QUEUED:
        return 0
    wait = (message.not_before - timezone.now()).total_seconds()
    return wait if 0 < wait <= settings.MESSAGE_RETRY_MAX_SECONDS else 0


@shared_task(name="messaging.messages_send_due")
def messages_send_due() -> int:
    return services.messages_send_due()
