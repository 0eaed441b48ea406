"""Template filters for staff pages: `message_label`, `phone`, `waiting_for` (see
dashboard/formatting.py)."""

from datetime import datetime

from django import template

from dashboard import formatting

register = template.Library()


@register.filter
def message_label(template_name: str) -> str:
    return formatting.message_label(template_name)


@register.filter
def phone(number: str) -> str:
    return formatting.phone_display(number)


@register.filter
def waiting_for(since: datetime) -> str:
    return formatting.waiting_for(since)
