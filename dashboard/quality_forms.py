"""The triage quality page's filter: a bounded date range and a rules version."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from clinic import locales

MAX_RANGE_DAYS = 366
EARLIEST = date(2020, 1, 1)
DEFAULT_DAYS = 90


def default_range(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


class QualityFilterForm(forms.Form):
    """Dates are clinic dates, both inclusive; each bad bound is named on its own field."""

    date_from = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    rules_version = forms.ChoiceField(label="Rules version", required=False)

    def __init__(self, *args: Any, versions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version_field = self.fields["rules_version"]
        assert isinstance(version_field, forms.ChoiceField)
        version_field.choices = [
            ("", "All versions"),
            *((v, v) for v in versions),
        ]

    def clean_date_from(self) -> date:
        value: date = self.cleaned_data["date_from"]
        if value < EARLIEST:
            raise forms.ValidationError(f"Choose a date from {locales.date_text(EARLIEST)} on.")
        return value

    def clean_date_to(self) -> date:
        value: date = self.cleaned_data["date_to"]
        if value > timezone.localdate():
            raise forms.ValidationError("Choose a date up to today.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", "The end comes before the start.")
            elif (end - start).days >= MAX_RANGE_DAYS:
                self.add_error("date_to", f"Choose at most {MAX_RANGE_DAYS} days.")
        return data
