"""The dashboard's forms: queue filters, the sign-in, and one form per staff action."""

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxValueValidator, MinValueValidator

from clinic.messaging.models import Channel, Message
from clinic.text import ValidTextFormMixin
from dashboard.models import Contact
from intake.models import Intake, Pattern, Urgency

ALL_STATUSES = "all"

# Staff date filters: Stride holds nothing older than 2000, and a year like 9999 overflows
# the end-of-day arithmetic (a 500), so anything outside this window is a field error.
EARLIEST_FILTER_DATE = date(2000, 1, 1)
LATEST_FILTER_DATE = date(2099, 12, 31)


def _filter_date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(
            attrs={
                "type": "date",
                "min": EARLIEST_FILTER_DATE.isoformat(),
                "max": LATEST_FILTER_DATE.isoformat(),
            }
        ),
        validators=[
            MinValueValidator(EARLIEST_FILTER_DATE, "Choose a date in 2000 or later."),
            MaxValueValidator(LATEST_FILTER_DATE, "Choose a date before 2100."),
        ],
    )


class QueueFilterForm(ValidTextFormMixin, forms.Form):
    """Filters and search for the intake list. Front desk never gets the pattern filter."""

    q = forms.CharField(label="Search name, email or phone", required=False, max_length=100)
    urgency = forms.ChoiceField(
        label="Urgency", required=False, choices=[("", "Any urgency"), *Urgency.choices]
    )
    pattern = forms.ChoiceField(
        label="Pattern", required=False, choices=[("", "Any pattern"), *Pattern.choices]
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[*Intake.Status.choices, (ALL_STATUSES, "Any status")],
    )
    submitted_from = _filter_date("Submitted from")
    submitted_to = _filter_date("Submitted to")

    def __init__(self, *args: Any, clinical: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not clinical:
            del self.fields["pattern"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[assignment]  # cleaned_data
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", "The end date must be on or after the start date.")
        return data

    def queue_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        status = data.get("status") or Intake.Status.NEW
        return {
            "search": data.get("q", ""),
            "urgency": data.get("urgency", ""),
            "pattern": data.get("pattern", ""),
            "status": "" if status == ALL_STATUSES else status,
            "submitted_from": data.get("submitted_from"),
            "submitted_to": data.get("submitted_to"),
        }


class MessageFilterForm(ValidTextFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Message.Status.choices]
    )
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "Any channel"), *Channel.choices]
    )


class StaffLoginForm(ValidTextFormMixin, AuthenticationForm):
    """Username and password, plus the six-digit code for staff who set up two-factor."""

    otp_token = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=8,
        help_text="Only if you have set up two-factor sign-in.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TwoFactorForm(ValidTextFormMixin, forms.Form):
    otp_token = forms.CharField(
        label="Six-digit code",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class AcknowledgeForm(ValidTextFormMixin, forms.Form):
    """No fields: the intake in the URL is the whole input."""


class ContactForm(ValidTextFormMixin, forms.Form):
    method = forms.ChoiceField(label="How", choices=Contact.Method.choices)


class NoteForm(ValidTextFormMixin, forms.Form):
    text = forms.CharField(label="Note", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write the note before saving it.")
        return text


class OverrideForm(ValidTextFormMixin, forms.Form):
    pattern = forms.ChoiceField(
        label="Pattern", required=False, choices=[("", "Keep as is"), *Pattern.choices]
    )
    urgency = forms.ChoiceField(
        label="Urgency", required=False, choices=[("", "Keep as is"), *Urgency.choices]
    )
    reason = forms.CharField(
        label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise forms.ValidationError("Say why, in a few words (at least 5 characters).")
        return reason

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[assignment]  # cleaned_data
        if not data.get("pattern") and not data.get("urgency"):
            raise forms.ValidationError("Choose a pattern, an urgency, or both.")
        return data
