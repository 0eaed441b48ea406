"""The form a clinician fills in after an appointment (its rules live in referrals.outcomes)."""

from django import forms

from referrals.models import AppointmentOutcome


class OutcomeForm(forms.Form):
    """Every field optional here: `appointment_outcome_record` checks them all together and
    its field-by-field errors are put back on this form."""

    attendance = forms.ChoiceField(
        label="Did the patient attend?",
        required=False,
        choices=AppointmentOutcome.Attendance.choices,
        widget=forms.RadioSelect,
    )
    diagnosis = forms.ChoiceField(
        label="Working diagnosis",
        required=False,
        choices=[("", "Choose…"), *AppointmentOutcome.Diagnosis.choices],
    )
    diagnosis_other = forms.CharField(
        label="If other: what you found", required=False, max_length=120
    )
    plan = forms.ChoiceField(
        label="Plan", required=False, choices=[("", "Choose…"), *AppointmentOutcome.Plan.choices]
    )
    onward_to = forms.CharField(label="If referred on: to whom", required=False, max_length=120)
    note = forms.CharField(
        label="Short note (clinicians only)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
