"""The patient's intake form, generated from the clinical questions in `intake.triage`.

Short steps: the safety questions first (one yes/no each), the age, then the rest in the
steps of `DETAIL_STEPS`. Every step is a normal POST to the same URL; the answers of the
other steps travel with it in hidden inputs and are checked again at every step, so a
refresh, a back button or a tampered input never loses or corrupts an answer. The form only
turns HTML inputs into the API's answer shape; `intake_validate` decides what is valid, so
the web form and the API refuse the same things (the form adds one rule of its own: a
mobile number when texts are chosen).
"""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from clinic.messaging.models import Channel
from clinic.text import ValidTextFormMixin
from clinic.zones import clinic_zone_name, zone_choices
from intake import triage
from intake.diagram import KneeDiagram, knee_diagram
from intake.explain import clinical_text

YES_NO = (("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))

# The details, in short steps after the safety questions (step 1) and the age (step 2). The
# last step's name stays "details": a one-page post of every answer still submits.
DETAIL_STEPS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    (
        "knee",
        gettext_lazy("Your knee and the pain"),
        ("knee", "pain_now", "pain_worst_week", "duration_days", "duration_unit"),
    ),
    (
        "pain",
        gettext_lazy("Where and when it hurts"),
        (
            "pain_locations",
            "pain_triggers",
            "symptoms",
            "run_onset",
            "eases_when_stopping",
            "injury_event",
        ),
    ),
    (
        "running",
        gettext_lazy("About you and your running"),
        (
            "weekly_km",
            "recent_increase",
            "shoe_km",
            "running_specific_shoes",
            "surfaces",
            "foot_rolls_inward",
            "cadence_spm",
        ),
    ),
    (
        "details",
        gettext_lazy("How we keep in touch"),
        (),
    ),  # the contact and guardian fields, by age
)
STEP_NAMES = ("safety", "age", *(name for name, _, _ in DETAIL_STEPS))
STEP_COUNT = len(STEP_NAMES)
# The pain questions as a 0-10 row of buttons; the ends say what they mean.
PAIN_CHOICES: list[tuple[int, Any]] = [(n, str(n)) for n in range(11)]
PAIN_CHOICES[0] = (0, gettext_lazy("0 No pain"))
PAIN_CHOICES[10] = (10, gettext_lazy("10 Worst pain"))
OPTIONAL = gettext_lazy("%(question)s (optional)")


def step_number(name: str) -> int:
    """1-based, as the page says it: "Step 3 of 6"."""
    return STEP_NAMES.index(name) + 1


# The form asks the duration in days, weeks or months and stores days (spec section 1).
DURATION_UNITS = (
    ("days", pgettext_lazy("duration unit", "days")),
    ("weeks", pgettext_lazy("duration unit", "weeks")),
    ("months", pgettext_lazy("duration unit", "months")),
)
DAYS_PER_UNIT = {"days": 1, "weeks": 7, "months": 30}
# Section 9: under 16 a parent or guardian answers for the child; under 13 they fill it in.
GUARDIAN_NEEDED_UNDER = 16
GUARDIAN_FILLS_IN_UNDER = 13
GUARDIAN_FORM_FIELDS = {
    "guardian_name": "name",
    "guardian_relationship": "relationship",
    "guardian_email": "email",
    "guardian_phone": "phone",
    "completed_by_guardian": "completed_by_guardian",
}


def _yes_no(value: str) -> bool:
    return value == "yes"


def _label(question: Any) -> str:
    """The question, marked "(optional)" unless it must be answered (a yes/no never must:
    missing means the clinical default)."""
    optional = not question.required or question.type == "boolean"
    text = clinical_text(question.text)
    return str(OPTIONAL) % {"question": text} if optional else text


def _help(question: Any) -> str:
    return clinical_text(question.help) if question.help else question.help


def _choices(question: Any) -> list[tuple[str, str]]:
    """A clinical question's choices, their words in the active language (intake.explain)."""
    return [(value, clinical_text(label)) for value, label in question.choices]


def _field_for(question: Any) -> forms.Field:
    common: dict[str, Any] = {"label": _label(question), "help_text": _help(question)}
    if question.type == "enum":
        return forms.ChoiceField(
            choices=_choices(question),
            widget=forms.RadioSelect,
            required=question.required,
            **common,
        )
    if question.type == "enum_list":
        return forms.MultipleChoiceField(
            choices=_choices(question),
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
                label=clinical_text(flag.question),
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": gettext_lazy("Please answer yes or no.")},
            )

    def red_flags(self) -> list[str]:
        return [key for key in triage.RED_FLAGS if self.cleaned_data.get(key) == "yes"]


class AgeForm(ValidTextFormMixin, forms.Form):
    """Step two: the age alone, early, so a child's form asks for a parent or guardian and a
    young child is told kindly, before a long form, that the service is not for them."""

    safety = forms.CharField(widget=forms.HiddenInput)
    age = forms.IntegerField(
        label=gettext_lazy("How old is the person with knee pain?"),
        help_text=gettext_lazy(
            "In years. If you are filling this in for your child, give their age."
        ),
        min_value=0,
        max_value=triage.QUESTIONS["age"].max,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": gettext_lazy("Please tell us the age.")},
    )


class IntakeForm(ValidTextFormMixin, forms.Form):
    """Steps three on: the rest of the questions, a child's parent or guardian, then the
    contact details and consent. The age comes from step two, in a hidden field.

    One form holds every answer; `step` says which step's fields are shown (the others are
    hidden inputs) and `step_with_errors` which step a mistake belongs to.
    """

    safety = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        required=False,
        help_text=gettext_lazy("Needed if we are to contact you by email."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        help_text=gettext_lazy("Needed only for text messages."),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("How should we contact you?"),
        choices=(
            (Channel.EMAIL, gettext_lazy("Email")),
            (Channel.SMS, gettext_lazy("Text message (SMS)")),
        ),
        initial=Channel.EMAIL,
        widget=forms.RadioSelect,
    )
    timezone = forms.ChoiceField(label=gettext_lazy("Your time zone"))
    consent_follow_up = forms.BooleanField(
        label=gettext_lazy("Yes, contact me in a week to ask how my knee is."), required=False
    )
    guardian_name = forms.CharField(label=gettext_lazy("Parent or guardian's name"), required=False)
    guardian_relationship = forms.CharField(
        label=gettext_lazy("How are you related to the child?"),
        help_text=gettext_lazy("For example: mother, father, grandparent, carer."),
        required=False,
    )
    guardian_email = forms.EmailField(
        label=gettext_lazy("Parent or guardian's email"), required=False
    )
    guardian_phone = forms.CharField(
        label=gettext_lazy("Parent or guardian's mobile phone"),
        help_text=gettext_lazy("An email address or a mobile number: at least one."),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    completed_by_guardian = forms.BooleanField(
        label=gettext_lazy("I am the parent or guardian filling this in"), required=False
    )

    PATIENT_FIELDS = ("name", "email", "phone", "channel", "timezone", "consent_follow_up")
    # As the page asks them: the channel first, so the phone can follow it (asked for texts).
    CONTACT_ORDER = ("name", "channel", "email", "phone", "timezone", "consent_follow_up")
    # A child's own email and phone are not asked: every message goes to the guardian.
    CHILD_CONTACT_FIELDS = ("name", "channel", "timezone", "consent_follow_up")

    def __init__(self, *args: Any, step: str = "details", **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # no colon after "(optional)"
        super().__init__(*args, **kwargs)
        self.step = step if step in STEP_NAMES else "details"
        self.intake: Any = None  # the saved intake, once the last step is submitted
        for question in triage.QUESTIONS.values():
            if question.key != "red_flags":
                self.fields[question.key] = _field_for(question)
        # The clinic's zone, then its country's, then the rest, by everyday name (clinic.zones).
        self.fields["timezone"].choices = zone_choices()  # type: ignore[attr-defined]
        self.fields["timezone"].initial = clinic_zone_name()
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["age"].widget = forms.HiddenInput()
        # A number and a unit; the maximum is checked in days, once the unit is applied.
        self.fields["duration_days"] = forms.IntegerField(
            label=clinical_text(triage.QUESTIONS["duration_days"].text),
            help_text=_("A number, then choose days, weeks or months."),
            min_value=0,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
        self._pain_as_buttons()
        self.fields["duration_unit"] = forms.ChoiceField(
            label=_("Days, weeks or months"),
            choices=DURATION_UNITS,
            initial="days",
            required=False,
        )
        if self.age is not None and self.age < GUARDIAN_NEEDED_UNDER:
            self.fields["name"].label = _("The child's name")
            self.fields["channel"].label = _("How should we contact you (the parent or guardian)?")
            self.fields["consent_follow_up"].label = _(
                "Yes, contact me (the parent or guardian) in a week to ask how the knee is."
            )
            self.fields["guardian_email"].widget.attrs["autocomplete"] = "email"
            self.fields["guardian_phone"].help_text = _(
                "An email address or a mobile number: at least one. The mobile number is "
                "needed for text messages."
            )

    def _pain_as_buttons(self) -> None:
        """The pain questions as 0-10 buttons (includes/pain_scale.html); the ends say what
        0 and 10 mean, so no help line repeats it."""
        for key in ("pain_now", "pain_worst_week"):
            self.fields[key].widget = forms.RadioSelect(
                choices=PAIN_CHOICES, attrs={"class": "pain-scale"}
            )
        self.fields["pain_worst_week"].help_text = ""

    @property
    def age(self) -> int | None:
        """The age from step two (posted, or the page's initial value), if it is a number."""
        raw = self.data.get("age") if self.is_bound else self.initial.get("age")
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None

    @property
    def is_child(self) -> bool:
        return self.age is not None and self.age < GUARDIAN_NEEDED_UNDER

    @property
    def guardian_fills_in(self) -> bool:
        return self.age is not None and self.age < GUARDIAN_FILLS_IN_UNDER

    def guardian_fields(self) -> list[forms.BoundField]:
        keys = list(GUARDIAN_FORM_FIELDS)
        if not self.guardian_fills_in:
            keys.remove("completed_by_guardian")
        return [self[key] for key in keys]

    def contact_fields(self) -> list[forms.BoundField]:
        keys = self.CHILD_CONTACT_FIELDS if self.is_child else self.CONTACT_ORDER
        return [self[key] for key in keys]

    def step_keys(self, step: str) -> tuple[str, ...]:
        """The fields asked on `step` (the last one's depend on the age)."""
        if step in ("safety", "age"):
            return ()
        if step == "details":
            guardian = [f.name for f in self.guardian_fields()] if self.is_child else []
            return (*guardian, *(f.name for f in self.contact_fields()))
        return next(keys for name, _, keys in DETAIL_STEPS if name == step)

    @property
    def step_title(self) -> str:
        return next(title for name, title, _ in DETAIL_STEPS if name == self.step)

    @property
    def step_number(self) -> int:
        return step_number(self.step)

    @property
    def step_count(self) -> int:
        return STEP_COUNT

    def step_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.step_keys(self.step)]

    def step_errors(self) -> list[tuple[forms.BoundField, Any]]:
        """This step's errors, in the order the fields are asked, for the summary."""
        return [(field, error) for field in self.step_fields() for error in field.errors]

    def carried(self) -> list[forms.BoundField]:
        """Every other step's answers, as hidden inputs: the ones given so far (posted, or the
        page's initial values). Unanswered steps are left out, so their defaults still show
        when they are reached."""
        shown = set(self.step_keys(self.step))
        given = self.data if self.is_bound else self.initial
        return [self[key] for key in self.fields if key not in shown and key in given]

    def step_with_errors(self, *, upto: str) -> str | None:
        """The first step, up to and including `upto`, with a mistake in one of its fields
        (`age`: the hidden age was tampered with); None when they are all fine."""
        if "age" in self.errors or "safety" in self.errors:
            return "age"
        for name, _title, _keys in DETAIL_STEPS[: STEP_NAMES.index(upto) - 1]:
            if any(key in self.errors for key in self.step_keys(name)):
                return name
        return None

    @property
    def knee_side(self) -> str:
        """The knee chosen on step three, for the diagram on step four ("right" if none)."""
        given = self.data if self.is_bound else self.initial
        side = given.get("knee")
        return side if side in ("left", "right", "both") else "right"

    def knee_diagram(self) -> KneeDiagram:
        return knee_diagram(self.knee_side)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount, unit = data.get("duration_days"), data.get("duration_unit") or "days"
        limit = triage.QUESTIONS["duration_days"].max
        if amount is not None and amount * DAYS_PER_UNIT.get(unit, 1) > limit:
            self.add_error(
                "duration_days",
                _("That is longer than we can record: at most %(limit)s days.") % {"limit": limit},
            )
        # Texts need a number: the mobile is asked, and needed, only when texts are chosen.
        key, message = (
            (
                "guardian_phone",
                _("We need the parent or guardian's mobile number to send text messages."),
            )
            if self.is_child
            else ("phone", _("We need your mobile number to send text messages."))
        )
        texts = data.get("channel") == Channel.SMS
        if texts and not data.get(key) and key not in self.errors:
            self.add_error(key, message)
        return data

    def submission(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The cleaned form as the API's `patient` and `answers` objects."""
        data = self.cleaned_data
        patient = {key: data.get(key) for key in self.PATIENT_FIELDS}
        if self.is_child:
            patient.update(email="", phone="")
            patient["guardian"] = {
                field: data.get(key) for key, field in GUARDIAN_FORM_FIELDS.items()
            }
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
        if "duration_days" in answers:
            unit = data.get("duration_unit") or "days"
            answers["duration_days"] *= DAYS_PER_UNIT[unit]
        return patient, answers

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the service's `patient.x` / `answers.y` errors next to their inputs."""
        by_guardian_field = {field: key for key, field in GUARDIAN_FORM_FIELDS.items()}
        for key, messages in errors.items():
            if key.startswith("patient.guardian."):
                field = by_guardian_field.get(key.removeprefix("patient.guardian."), "")
            else:
                field = key.split(".", 1)[-1].split(".")[0]
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


def answers_given(data: Any) -> dict[str, Any]:
    """Posted answers (a QueryDict) as a step's initial values, lists for the multiple-choice
    questions, so a step shown afresh keeps every answer given on the others."""
    fields = IntakeForm().fields
    return {
        key: data.getlist(key)
        if isinstance(fields.get(key), forms.MultipleChoiceField)
        else data[key]
        for key in data
        if key not in ("csrfmiddlewaretoken", "step", "go")
    }


class FollowUpAnswerForm(ValidTextFormMixin, forms.Form):
    """The one-week check-in: the answer chosen in the message, and an optional score."""

    answer = forms.ChoiceField(
        label=gettext_lazy("How is your knee compared with last week?"),
        choices=(
            ("better", gettext_lazy("Better")),
            ("same", gettext_lazy("About the same")),
            ("worse", gettext_lazy("Worse")),
        ),
        widget=forms.RadioSelect,
    )
    pain_now = forms.TypedChoiceField(
        label=gettext_lazy("Pain right now (optional)"),
        help_text="0 = no pain, 10 = the worst pain you can imagine.",
        choices=[("", gettext_lazy("Rather not say"))] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    pain_worst_week = forms.TypedChoiceField(
        label=gettext_lazy("Worst pain in the past week (optional)"),
        help_text="0 = no pain, 10 = the worst pain you can imagine.",
        choices=[("", gettext_lazy("Rather not say"))] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # After `worse`, the warning signs are asked again (section 6), before anything else.
        for key, flag in triage.RED_FLAGS.items():
            self.fields[key] = forms.ChoiceField(
                label=clinical_text(flag.question),
                choices=YES_NO,
                widget=forms.RadioSelect,
                required=False,
            )

    def safety_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in triage.RED_FLAGS]

    def safety_unanswered(self) -> list[str]:
        return [key for key in triage.RED_FLAGS if not self.cleaned_data.get(key)]

    def red_flags(self) -> list[str]:
        return [key for key in triage.RED_FLAGS if self.cleaned_data.get(key) == "yes"]


class CallBackForm(forms.Form):
    """The urgent page's "the clinic will call you": name, phone, and an optional email.

    The form shapes the inputs; `intake.urgent.call_back_clean` decides what is valid (the
    phone through the project's phonenumbers helper) and its errors land on their fields.
    """

    # No limits here: the service checks every field at once, so all errors show together.
    name = forms.CharField(label=gettext_lazy("Your name"), required=False)
    phone = forms.CharField(
        label=gettext_lazy("Phone number"),
        help_text=gettext_lazy("The number the clinic can call you on today."),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=gettext_lazy("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
