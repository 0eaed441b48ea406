"""Stride's Django project: settings, URLs, the Celery app and what all apps share."""

from clinic.celery import app as celery_app

__all__ = ("celery_app",)
