"""What staff do on the dashboard: acknowledgements, contacts, notes, overrides, the audit trail.

The patient's own records (Intake, TriageOutcome, Referral, Message) belong to other apps and
are never reshaped here: each staff action is its own row saying who did what and when, and
Intake.status only moves along its existing values (new → acknowledged → contacted → closed).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from intake.models import Pattern, Urgency


class AuditEvent(models.Model):
    """One look at patient data or one change, by one staff member. Ids only, no health data.

    The dashboard's capabilities are declared here as permissions (see `dashboard.access`):
    every use of them is recorded in this table.
    """

    class Action(models.TextChoices):
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in refused"
        LOGOUT = "logout", "Signed out"
        SESSION_EXPIRED = "session_expired", "Session expired"
        QUEUE_VIEW = "queue_view", "Viewed the queue"
        INTAKE_VIEW = "intake_view", "Viewed an intake"
        MESSAGES_VIEW = "messages_view", "Viewed the message log"
        OUTCOMES_VIEW = "outcomes_view", "Viewed outcomes"
        ACKNOWLEDGE = "acknowledge", "Acknowledged an urgent alert"
        CONTACT = "contact", "Marked contacted"
        NOTE_ADD = "note_add", "Added a note"
        OVERRIDE = "override", "Overrode the triage"
        REFERRAL_CLOSE = "referral_close", "Closed a referral"
        MESSAGE_RESEND = "message_resend", "Resent a message"
        TWO_FACTOR_SETUP = "two_factor_setup", "Set up two-factor sign-in"
        ALERT_RAISE = "alert_raise", "Urgent alert raised"
        ALERT_ESCALATE = "alert_escalate", "Urgent alert escalated to on-call"
        URGENT_MARK = "urgent_mark", "Marked urgent by a clinician"
        ADMIN_VIEW = "admin_view", "Viewed patient data in the admin"
        BOOKING_ON_BEHALF = "booking_on_behalf", "Booked for a patient"
        # A client system (an EHR, a partner) over FHIR, named by its OAuth2 client id.
        FHIR_READ = "fhir_read", "Read FHIR resources"
        FHIR_EXPORT = "fhir_export", "Bulk FHIR export"
        OUTCOME_RECORD = "outcome_record", "Recorded an appointment's outcome"
        QUALITY_VIEW = "quality_view", "Viewed triage quality"
        QUALITY_EXPORT = "quality_export", "Downloaded triage quality rows"
        PATIENT_MERGE = "patient_merge", "Merged two patient records"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Kept even if the account is later deleted: an audit trail must still name the person.
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    # For list pages: the ids of the records shown (ids only; never names or answers).
    object_ids = models.JSONField(default=list, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # "Who looked at this record?" and "what did this person do?", newest first.
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
            models.Index(fields=["-at"], name="audit_at_idx"),
        ]
        ordering = ["-at"]
        permissions = [
            ("use_dashboard", "Can open the staff dashboard"),
            ("view_contact_details", "Can see patients' names and contact details"),
            ("view_clinical", "Can see answers, triage outcomes, notes and outcome figures"),
            ("acknowledge_alert", "Can acknowledge an urgent alert"),
            ("mark_contacted", "Can mark a patient as contacted"),
            ("write_note", "Can add a clinical note"),
            ("override_triage", "Can override the pattern or urgency"),
            ("close_referral", "Can close a referral"),
            ("manage_bookings", "Can see and make bookings for patients"),
            ("view_message_log", "Can see the message log"),
            ("resend_message", "Can resend a failed message"),
        ]

    def __str__(self) -> str:
        target = f" {self.object_type} #{self.object_id}" if self.object_id else ""
        return f"{self.actor_username or 'someone'}: {self.get_action_display()}{target}"


class Acknowledgement(models.Model):
    """A clinician has seen an urgent alert. One per intake: a second click changes nothing."""

    intake = models.OneToOneField(
        "intake.Intake", on_delete=models.CASCADE, related_name="acknowledgement"
    )
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    acknowledged_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Acknowledgement of intake #{self.intake_id}"


class Contact(models.Model):
    """Someone at the clinic reached (or tried to reach) the patient."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        IN_PERSON = "in_person", "In person"

    intake = models.ForeignKey("intake.Intake", on_delete=models.CASCADE, related_name="contacts")
    method = models.CharField(max_length=16, choices=Method.choices)
    contacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    contacted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["intake", "-contacted_at"], name="contact_intake_idx")]

    def __str__(self) -> str:
        return f"Contact with intake #{self.intake_id}"


class Note(models.Model):
    """A clinician's free-text note on an intake (clinical: shown to clinicians only)."""

    intake = models.ForeignKey("intake.Intake", on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["intake", "-created_at"], name="note_intake_idx")]

    def __str__(self) -> str:
        return f"Note #{self.pk} on intake #{self.intake_id}"


class TriageOverride(models.Model):
    """A clinician's view of the pattern or urgency, standing beside the patient's outcome.

    The TriageOutcome is never edited: the newest override is the clinic's current view, the
    older ones are its history.
    """

    intake = models.ForeignKey(
        "intake.Intake", on_delete=models.CASCADE, related_name="triage_overrides"
    )
    pattern = models.CharField(max_length=32, choices=Pattern.choices, blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, blank=True)
    reason = models.TextField(max_length=2000)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(pattern="", urgency=""), name="override_changes_something"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="override_has_reason"),
        ]
        indexes = [
            # The queue's "current override" subquery and the intake page's history.
            models.Index(fields=["intake", "-created_at"], name="override_intake_idx"),
        ]

    def __str__(self) -> str:
        return f"Override #{self.pk} on intake #{self.intake_id}"


class QualityCodes(models.Model):
    """The codes the triage quality figures count, shared by the two summary tables below."""

    rules_version = models.CharField(max_length=32, blank=True)
    pattern = models.CharField(max_length=32)
    urgency = models.CharField(max_length=16)
    diagnosis = models.CharField(max_length=24, blank=True)  # the newest outcome's
    attendance = models.CharField(max_length=16, blank=True)
    follow_up_status = models.CharField(max_length=16, blank=True)
    follow_up_answer = models.CharField(max_length=8, blank=True)
    clinician_urgency = models.CharField(max_length=16, blank=True)  # the newest override's
    # Not urgent by the engine, but a sign of urgency within 14 days of the intake.
    urgent_soon = models.BooleanField(default=False)

    class Meta:
        abstract = True


class QualityFact(QualityCodes):
    """One intake as the triage quality page counts it. Written only by the database.

    Triggers on the intake, outcome, follow-up, referral, override, appointment and
    appointment-outcome tables note the intake in `QualityDirty` (migration
    0009_quality_dirty); its row here is recomputed by the drain that runs before every
    read of the summary, so a reader never sees it stale; `dashboard_qualitycount` follows
    each change of a row here. No foreign key: the intake's delete removes it.
    """

    intake_id = models.BigIntegerField(primary_key=True)
    submitted_at = models.DateTimeField()
    over_triage = models.BooleanField(default=False)
    under_triage = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["submitted_at"], name="quality_fact_submitted_idx"),
            # The oldest listed cases of a range: an ordered walk that stops at the cap.
            models.Index(
                fields=["submitted_at", "intake_id"],
                condition=models.Q(over_triage=True),
                name="quality_fact_over_idx",
            ),
            models.Index(
                fields=["submitted_at", "intake_id"],
                condition=models.Q(under_triage=True),
                name="quality_fact_under_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Quality codes of intake #{self.intake_id}"


class QualityDirty(models.Model):
    """An intake whose quality summary rows may be stale. Written only by the database.

    The triggers of migration 0009_quality_dirty append one row per intake a statement
    touched (duplicates allowed: no index to probe on the write path);
    `stride_quality_drain()` recounts and deletes them before anyone reads the summary
    (`dashboard.quality_services.quality_summary_drain`).
    """

    intake_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"Quality summary of intake #{self.intake_id} to recount"


# The codes a quality count is keyed by (with its day): the constraint below and the
# summary's reads (dashboard/selectors/quality.py) share this one list.
QUALITY_CODES = (
    "rules_version",
    "pattern",
    "urgency",
    "diagnosis",
    "attendance",
    "follow_up_status",
    "follow_up_answer",
    "clinician_urgency",
    "urgent_soon",
)


class QualityCount(QualityCodes):
    """How many intakes submitted on one UTC day share one combination of codes.

    Kept by a trigger on `dashboard_qualityfact` (one row's change moves two counts). Rows
    that fall to 0 stay (a bounded number: days x combinations seen) and are skipped on read.
    """

    day = models.DateField()  # the UTC date of submitted_at
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", *QUALITY_CODES],
                name="quality_count_one_row_per_codes",
            ),
        ]
        indexes = [models.Index(fields=["rules_version", "day"], name="quality_count_version_idx")]

    def __str__(self) -> str:
        return f"{self.count} intake(s) on {self.day}"
