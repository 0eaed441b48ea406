"""The clinic app holds shared templates, commands and checks for the project."""

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
