"""The patient's episode: who they are, what they answered, triage, follow-up, referrals."""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.timezone import now as tz_now

from clinic.messaging.models import Channel
from clinic.zones import clinic_zone_name


def clinic_time_zone() -> str:
    """The default of Patient.timezone (named in migration 0001): the clinic's zone."""
    return clinic_zone_name()


class Urgency(models.TextChoices):
    URGENT = "urgent", "Urgent: same-day care"
    ASSESSMENT = "assessment", "Assessment advised"
    SELF_CARE = "self_care", "Self-care"


class CareRoute(models.TextChoices):
    EMERGENCY = "emergency", "Emergency department now"
    SAME_DAY = "same_day", "Seen today"
    WITHIN_48H = "within_48h", "Doctor within 1–2 days"


class Language(models.TextChoices):
    """The languages a patient may choose (settings.LANGUAGES); every message uses theirs."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


class Pattern(models.TextChoices):
    """The pattern ids (a stable contract) with the names shown to patients (the rules')."""

    RUNNERS_KNEE = "runners_knee", "Runner's knee (pain around the kneecap)"
    PATELLAR_TENDINITIS = "patellar_tendinitis", "Patellar tendinopathy (jumper's knee)"
    IT_BAND_SYNDROME = "it_band_syndrome", "IT band syndrome"
    MENISCUS_TEAR = "meniscus_tear", "Possible meniscus tear"
    OSTEOARTHRITIS = "osteoarthritis", "Knee osteoarthritis"
    UNCLEAR = "unclear", "No clear pattern"


class SafetyScreen(models.Model):
    """An anonymous record of a "yes" on the web form's safety step (spec section 7).

    Saved whatever the patient does next, so no warning sign seen goes unrecorded. It holds
    no name, contact, address or IP: only what was ticked, where that sends them, and when.
    """

    red_flags = models.JSONField(default=list)
    care_route = models.CharField(max_length=16, choices=CareRoute.choices)
    rules_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=tz_now)

    def __str__(self) -> str:
        return f"Safety screen #{self.pk}"


# Letters (any script, with their accents), joined by an apostrophe or a hyphen: no dots,
# slashes, digits, "@", or invisible formatting characters.
_PLAIN_NAME = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


class Patient(models.Model):
    """One person as they told us on one intake (patients have no accounts)."""

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +15550100199")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    timezone = models.CharField(max_length=64, default=clinic_time_zone)
    consent_follow_up = models.BooleanField(default=False)
    # The language every page, sheet and message for this patient is in (docs/languages.md).
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    # A child's parent or guardian (clinical spec section 9, under 16): blank for adults.
    # Their consent is the one that counts and every message goes to their contact.
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_relationship = models.CharField(max_length=100, blank=True)
    guardian_email = models.EmailField(blank=True)
    guardian_phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    completed_by_guardian = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=tz_now)

    class Meta:
        constraints = [
            # Consent is only meaningful with a way to reach the patient (or, for a child,
            # the guardian) on their channel.
            models.CheckConstraint(
                condition=models.Q(consent_follow_up=False)
                | models.Q(guardian_name="", channel="email", email__gt="")
                | models.Q(guardian_name="", channel="sms", phone__gt="")
                | models.Q(guardian_name__gt="", channel="email", guardian_email__gt="")
                | models.Q(guardian_name__gt="", channel="sms", guardian_phone__gt=""),
                name="patient_contact_for_channel",
            ),
        ]
        indexes = [
            # Staff search by email or phone, and the SMS opt-out looks patients up by phone.
            models.Index(fields=["email"], name="patient_email_idx"),
            models.Index(fields=["phone"], name="patient_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"Patient #{self.pk}"

    @property
    def first_name(self) -> str:
        """The name's first word, as typed (the advice sheet prints it as text)."""
        return self.name.split()[0] if self.name.strip() else ""

    @property
    def greeting_name(self) -> str:
        """The first name for a message's greeting, or "" unless it is plainly a name.

        The name is free text anyone can type, and messages go to whatever address the form
        was given: "evil.com/win" or "www.x.example" would be a link in the recipient's
        mail or text client. Letters only (with inner ' and -), at most 40 of them.
        """
        first = self.first_name
        if len(first) > 40 or not _PLAIN_NAME.fullmatch(first):
            return ""
        return first

    @property
    def has_guardian(self) -> bool:
        """A child's record: a parent or guardian answers for them (section 9)."""
        return bool(self.guardian_name)


class Intake(models.Model):
    """One submitted questionnaire: the answers as given, plus the queue's filter columns."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CONTACTED = "contacted", "Contacted"
        CLOSED = "closed", "Closed"

    class Source(models.TextChoices):
        FORM = "form", "Web form"
        API = "api", "API"
        # The urgent page's call-back form: contact and flags only, no other answers.
        CALL_BACK = "call_back", "Urgent call-back"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intakes")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.FORM)
    answers = models.JSONField()
    # Blank only on a call-back intake, which has the warning signs and no other answers.
    knee = models.CharField(max_length=8, blank=True)
    pain_now = models.PositiveSmallIntegerField(null=True, blank=True)
    # The follow-up compares like with like (section 6); null when not answered.
    pain_worst_week = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_days = models.PositiveIntegerField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    # The flagged safety screen this intake came after (its call-back, or changed answers).
    safety_screen = models.ForeignKey(
        SafetyScreen, null=True, blank=True, on_delete=models.SET_NULL, related_name="intakes"
    )
    # No flags now, after a screen with flags in the same browser session: a clinician looks.
    safety_answers_changed = models.BooleanField(default=False)
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    pattern = models.CharField(max_length=32, choices=Pattern.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    submitted_at = models.DateTimeField(default=tz_now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_now__lte=10), name="intake_pain_now_0_10"
            ),
            models.CheckConstraint(
                condition=models.Q(pain_worst_week__isnull=True)
                | models.Q(pain_worst_week__lte=10),
                name="intake_pain_worst_week_0_10",
            ),
            # Only a call-back intake may lack the answers the queue filters on.
            models.CheckConstraint(
                condition=models.Q(source="call_back")
                | models.Q(pain_now__isnull=False, duration_days__isnull=False, age__isnull=False),
                name="intake_answers_unless_call_back",
            ),
        ]
        indexes = [
            # The staff queue: changed safety answers first, then by urgency and status, newest
            # first (dashboard.selectors.queue.intake_queue walks it in order).
            models.Index(
                fields=["-safety_answers_changed", "urgency", "status", "-submitted_at"],
                name="intake_queue_idx",
            ),
            models.Index(fields=["pattern", "-submitted_at"], name="intake_pattern_idx"),
            models.Index(fields=["-submitted_at"], name="intake_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"Intake #{self.pk}"

    @staticmethod
    def answer_columns(answers: dict[str, Any]) -> dict[str, Any]:
        """The answers an intake also keeps in columns of their own (constraints, queries);
        the worst pain of the week is optional."""
        columns = {key: answers[key] for key in ("knee", "pain_now", "duration_days", "age")}
        return {**columns, "pain_worst_week": answers.get("pain_worst_week")}

    @property
    def follow_up_or_none(self) -> "FollowUp | None":
        """The one-week follow-up, or None (urgent, or no consent). No query once joined."""
        try:
            return self.follow_up
        except ObjectDoesNotExist:
            return None


class TriageOutcome(models.Model):
    """What the rules engine said, frozen with the rules version that said it."""

    intake = models.OneToOneField(Intake, on_delete=models.CASCADE, related_name="outcome")
    pattern = models.CharField(max_length=32, choices=Pattern.choices)
    secondary_patterns = models.JSONField(default=list)
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    # The most urgent route of the red flags (rules 2026.12.1); blank when not urgent, and on
    # outcomes made under earlier rules, which are never re-scored.
    care_route = models.CharField(max_length=16, choices=CareRoute.choices, blank=True)
    red_flags = models.JSONField(default=list)
    # Why an assessment is advised, in the rules' order; empty unless urgency is assessment.
    assessment_reasons = models.JSONField(default=list)
    advice = models.JSONField(default=list)
    factors = models.JSONField(default=list)
    matched_signs = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    rules_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=tz_now)

    def __str__(self) -> str:
        return f"Outcome of intake #{self.intake_id}"


class FollowUp(models.Model):
    """The one-week check-in. The database is the schedule: beat claims rows that are due."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"
        REMINDED = "reminded", "Reminder sent"
        ANSWERED = "answered", "Answered"
        EXPIRED = "expired", "No answer"
        CANCELLED = "cancelled", "Cancelled"

    class Answer(models.TextChoices):
        BETTER = "better", "Better"
        SAME = "same", "About the same"
        WORSE = "worse", "Worse"

    intake = models.OneToOneField(Intake, on_delete=models.CASCADE, related_name="follow_up")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=8, choices=Answer.choices, blank=True)
    pain_now = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_worst_week = models.PositiveSmallIntegerField(null=True, blank=True)
    # After `worse`, the warning signs asked again (section 6): the keys answered "yes".
    red_flags = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=tz_now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_now__isnull=True) | models.Q(pain_now__lte=10),
                name="followup_pain_now_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(pain_worst_week__isnull=True)
                | models.Q(pain_worst_week__lte=10),
                name="followup_pain_worst_week_0_10",
            ),
        ]
        indexes = [
            # The beat scan: scheduled follow-ups that are due.
            models.Index(
                fields=["due_at"],
                name="followup_scheduled_due_idx",
                condition=models.Q(status="scheduled"),
            ),
            # The reminder scan: sent, unanswered follow-ups by when they went out.
            models.Index(
                fields=["sent_at"],
                name="followup_sent_idx",
                condition=models.Q(status="sent"),
            ),
            # The expiry scan: reminded, unanswered follow-ups by when the reminder went out.
            models.Index(
                fields=["reminder_sent_at"],
                name="followup_reminded_idx",
                condition=models.Q(status="reminded"),
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up of intake #{self.intake_id}"


class Referral(models.Model):
    """A case flagged for clinicians: urgent signs, not improving, or a second opinion booked.

    Part of the episode, so intake opens it without importing referrals; the table keeps its
    first name (`referrals_referral`) so the move needed no database change.
    """

    class Reason(models.TextChoices):
        URGENT = "urgent", "Urgent warning signs"
        NOT_IMPROVING = "not_improving", "Not improving at follow-up"
        SECOND_OPINION = "second_opinion", "Second opinion booked"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="referrals")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=tz_now)

    class Meta:
        db_table = "referrals_referral"
        constraints = [
            # One referral per reason per intake: a repeated follow-up answer or alert
            # cannot create a second one.
            models.UniqueConstraint(fields=["intake", "reason"], name="referral_unique_reason"),
        ]
        indexes = [
            models.Index(fields=["reason", "status", "-created_at"], name="referral_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} referral for intake #{self.intake_id}"


class StaffAlert(models.Model):
    """The clinic's alert for one urgent case: acknowledged on the dashboard, or escalated.

    The database is the schedule: a beat scan finds alerts unacknowledged for 15 minutes
    since the last escalation (or since they were raised) and escalates them to on-call.
    """

    intake = models.OneToOneField(Intake, on_delete=models.CASCADE, related_name="staff_alert")
    created_at = models.DateTimeField(default=tz_now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    escalations = models.PositiveSmallIntegerField(default=0)
    last_escalated_at = models.DateTimeField(null=True, blank=True)
    # When the dashboard wrote the "alert raised" audit row (intake cannot write it itself).
    audited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The escalation scan and the dashboard's list: unacknowledged alerts, oldest first.
            models.Index(
                fields=["created_at"],
                name="staffalert_unacked_idx",
                condition=models.Q(acknowledged_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Staff alert for intake #{self.intake_id}"
