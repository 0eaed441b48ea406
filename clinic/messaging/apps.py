"""The messaging app: one layer for email and SMS, shared by intake, follow-ups and booking."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "clinic.messaging"
    label = "messaging"
    verbose_name = "Messages"
