"""Thin Celery tasks for booking: beat runs both; each calls one service."""

from celery import shared_task

from referrals import services


@shared_task(name="referrals.slots_regenerate")
def slots_regenerate() -> None:
    """Roll every clinician's slots forward to the horizon (idempotent)."""
    services.slot_generate_all()


@shared_task(name="referrals.appointment_reminders_send")
def appointment_reminders_send() -> None:
    """Queue the day-before reminders that are due: the database is the schedule."""
    services.appointment_reminders_send_due()
