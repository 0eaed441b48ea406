"""Thin Celery tasks for messages: they take ids and call the messaging services."""

from celery import shared_task

from clinic.messaging import services


@shared_task(name="messaging.message_send")
def message_send(message_id: int) -> None:
    services.message_deliver(message_id=message_id)
