"""The referrals app."""

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
