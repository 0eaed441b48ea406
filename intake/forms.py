"""The patient's intake form, generated from the clinical questions in `intake.triage`.

Two steps: the safety questions first (one yes/no each), then the rest, grouped. The form
only turns HTML inputs into the API's answer shape; `intake_validate` decides what is valid,
so the web form and the API refuse exactly the same things.
"""

from typing import Any

from django import forms

from clinic.messaging.models import Channel
from clinic.text import ValidTextFormMixin
from clinic.zones import clinic_zone_name, zone_names
from intake import triage

YES_NO = (("yes", "Yes"), ("no", "No"))

# How the details step is grouped on the page, in the clinic's words.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Your knee", ("knee", "pain_locations", "pain_triggers", "symptoms")),
    (
        "How it started and how it feels",
        (
            "run_onset",
            "eases_when_stopping",
            "injury_event",
            "pain_now",
            "pain_worst_week",
            "duration_days",
        ),
    ),
    (
        "About you and your running",
        (
            "age",
            "weekly_km",
            "recent_increase",
            "shoe_km",
            "running_specific_shoes",
            "surfaces",
            "foot_rolls_inward",
            "cadence_spm",
        ),
    ),
)


def _yes_no(value: str) -> bool:
    return value == "yes"


def _field_for(question: Any) -> forms.Field:
    label = question.text
    common: dict[str, Any] = {"label": label, "help_text": question.help}
    if question.type == "enum":
        return forms.ChoiceField(
            choices=question.choices,
            widget=forms.RadioSelect,
            required=question.required,
            **common,
        )
    if question.type == "enum_list":
        return forms.MultipleChoiceField(
            choices=question.choices,
            widget=forms.CheckboxSelectMultiple,
            required=question.required and question.min_items > 0,
            **common,
        )
    if question.type == "boolean":
        return forms.TypedChoiceField(
            choices=YES_NO,
            coerce=_yes_no,
            widget=forms.RadioSelect,
            required=False,
            empty_value=None,
            **common,
        )
    if question.type == "integer":
        return forms.IntegerField(
            min_value=question.min,
            max_value=question.max,
            required=question.required,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    return forms.FloatField(
        min_value=question.min,
        max_value=question.max,
        required=question.required,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        **common,
    )


class SafetyForm(ValidTextFormMixin, forms.Form):
    """Step one: every warning-sign question answered yes or no, before anything else."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, flag in triage.RED_FLAGS.items():
            self.fields[key] = forms.ChoiceField(
                label=flag.question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Please answer yes or no."},
            )

    def red_flags(self) -> list[str]:
        return [key for key in triage.RED_FLAGS if self.cleaned_data.get(key) == "yes"]


class IntakeForm(ValidTextFormMixin, forms.Form):
    """Step two: the rest of the questions, then the patient's contact details and consent."""

    safety = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Email", required=False)
    phone = forms.CharField(
        label="Mobile phone",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    channel = forms.ChoiceField(
        label="How should we contact you?",
        choices=Channel.choices,
        initial=Channel.EMAIL,
        widget=forms.RadioSelect,
    )
    timezone = forms.ChoiceField(label="Your time zone")
    consent_follow_up = forms.BooleanField(
        label="Yes, contact me in a week to ask how my knee is.", required=False
    )

    PATIENT_FIELDS = ("name", "email", "phone", "channel", "timezone", "consent_follow_up")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in triage.QUESTIONS.values():
            if question.key != "red_flags":
                self.fields[question.key] = _field_for(question)
        self.fields["timezone"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (z, z.replace("_", " ")) for z in sorted(zone_names())
        ]
        self.fields["timezone"].initial = clinic_zone_name()
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def grouped(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (title, [self[key] for key in keys if key in self.fields]) for title, keys in GROUPS
        ]

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.PATIENT_FIELDS]

    def submission(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The cleaned form as the API's `patient` and `answers` objects."""
        data = self.cleaned_data
        patient = {key: data.get(key) for key in self.PATIENT_FIELDS}
        answers: dict[str, Any] = {"red_flags": []}
        for question in triage.QUESTIONS.values():
            if question.key == "red_flags":
                continue
            value = data.get(question.key)
            if value in (None, "", []):
                continue  # missing optional answers take the clinical defaults
            if question.type == "number" and float(value).is_integer():
                value = int(value)
            answers[question.key] = value
        return patient, answers

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the service's `patient.x` / `answers.y` errors next to their inputs."""
        for key, messages in errors.items():
            field = key.split(".", 1)[-1].split(".")[0]
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class FollowUpAnswerForm(ValidTextFormMixin, forms.Form):
    """The one-week check-in: the answer chosen in the message, and an optional score."""

    answer = forms.ChoiceField(
        label="How is your knee compared with last week?",
        choices=(("better", "Better"), ("same", "About the same"), ("worse", "Worse")),
        widget=forms.RadioSelect,
    )
    pain_now = forms.TypedChoiceField(
        label="Pain right now (optional)",
        help_text="0 = no pain, 10 = the worst pain you can imagine.",
        choices=[("", "Rather not say")] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
    )
