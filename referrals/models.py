"""Clinicians and their time: availability, slots and appointments (Referral is intake's).

Times are stored in UTC. Weekly hours and exceptions are wall-clock times in the clinic's
time zone (settings.TIME_ZONE), turned into UTC slots by `referrals.services.slot_generate`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Clinician(models.Model):
    """A clinician patients can book: a staff user with a public name and title."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="clinician",
        limit_choices_to={"is_staff": True},
    )
    display_name = models.CharField(max_length=120)
    title = models.CharField(
        max_length=200,
        default="Board Certified Orthopedic and Sports Medicine Clinical Specialist",
    )
    active = models.BooleanField(default=True, help_text="Inactive clinicians offer no slots.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def email(self) -> str:
        return self.user.email


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklyAvailability(models.Model):
    """Recurring hours, e.g. Mondays 09:00–12:00, as wall-clock time in the clinic's zone."""

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["clinician", "weekday", "starts"]
        verbose_name_plural = "weekly availability"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="weekly_hours_ends_after"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="weekly_hours_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class AvailabilityException(models.Model):
    """A dated change to the weekly hours: time off (whole day or hours) or extra hours."""

    class Kind(models.TextChoices):
        TIME_OFF = "time_off", "Time off"
        EXTRA_HOURS = "extra_hours", "Extra hours"

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    starts = models.TimeField(null=True, blank=True, help_text="Empty for a whole day off.")
    ends = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["clinician", "date", "starts"]
        constraints = [
            # Either a whole day off (no times), or a time range that ends after it starts.
            models.CheckConstraint(
                condition=models.Q(kind="time_off", starts__isnull=True, ends__isnull=True)
                | models.Q(starts__isnull=False, ends__isnull=False, ends__gt=models.F("starts")),
                name="availability_exception_times",
            ),
        ]

    def __str__(self) -> str:
        hours = f" {self.starts:%H:%M}–{self.ends:%H:%M}" if self.starts and self.ends else ""
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}{hours}"


class Slot(models.Model):
    """A bookable stretch of one clinician's time, generated from availability.

    `offered` turns false when the availability behind a slot goes away; the row stays if an
    appointment ever referred to it, so history keeps its time.
    """

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    offered = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "clinician_id"]
        constraints = [
            # Regeneration is idempotent: the same start for one clinician is one row.
            models.UniqueConstraint(
                fields=["clinician", "starts_at"], name="slot_unique_clinician_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after"
            ),
        ]
        indexes = [
            # The open-slot listing: offered slots in a time window, earliest first.
            models.Index(
                fields=["starts_at"],
                name="slot_offered_start_idx",
                condition=models.Q(offered=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinician} {self.starts_at:%Y-%m-%d %H:%M} UTC"


ACTIVE_APPOINTMENT = ~models.Q(status="cancelled")
# An intake's free second opinion is used up by any appointment but a cancelled one or a
# missed one: a patient who did not attend is offered to book again (referrals.outcomes).
HOLDS_SECOND_OPINION = ~models.Q(status__in=["cancelled", "no_show"])


class Appointment(models.Model):
    """A patient's booking of one slot. A reschedule moves this same row to another slot,
    so every link to it shows the current time.

    `clinician`, `starts_at` and `ends_at` copy the slot's: PostgreSQL's exclusion
    constraint (added in migration 0002, PostgreSQL only) needs the range on this table.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"

    class Kind(models.TextChoices):
        SECOND_OPINION = "second_opinion", "Free second opinion"

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    patient = models.ForeignKey(
        "intake.Patient", on_delete=models.CASCADE, related_name="appointments"
    )
    intake = models.ForeignKey(
        "intake.Intake", on_delete=models.CASCADE, related_name="appointments"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SECOND_OPINION)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    # Bumped by each reschedule: message idempotency keys and the .ics SEQUENCE use it.
    version = models.PositiveIntegerField(default=1)
    reminder_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the day-before reminder is due (none if booked late).",
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The client address that booked it (patients only): the cap on open appointments per
    # address counts these (referrals/verification.py).
    booked_from = models.GenericIPAddressField(null=True, blank=True)
    # Cancelled because the clinic removed the hours under it (referrals.hours), not by the
    # patient: the front desk's list of appointments to follow up.
    cancelled_by_clinic = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            # Exactly one booking per slot, decided by the database under any race.
            models.UniqueConstraint(
                fields=["slot"], condition=ACTIVE_APPOINTMENT, name="appointment_one_per_slot"
            ),
            # One active free second opinion per intake.
            models.UniqueConstraint(
                fields=["intake"],
                condition=HOLDS_SECOND_OPINION & models.Q(kind="second_opinion"),
                name="appointment_one_second_opinion_per_intake",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after",
            ),
        ]
        indexes = [
            # The reminder scan: booked appointments whose reminder is due and not yet sent.
            models.Index(
                fields=["reminder_due_at"],
                name="appointment_reminder_due_idx",
                condition=models.Q(status="booked", reminder_sent_at__isnull=True),
            ),
            # Staff: a clinician's day.
            models.Index(fields=["clinician", "starts_at"], name="appointment_clinician_idx"),
        ]

    def __str__(self) -> str:
        return f"Appointment #{self.pk} ({self.status})"


class ContactVerification(models.Model):
    """One intake's proof that its contact is reachable, asked before its first booking: a
    code sent by SMS, or a link sent by email (referrals/verification.py). Once per intake."""

    intake = models.OneToOneField(
        "intake.Intake", on_delete=models.CASCADE, related_name="contact_verification"
    )
    channel = models.CharField(max_length=8)
    address = models.CharField(max_length=254)
    # SMS: a keyed hash of the six-digit code (never the code itself); email: blank.
    code_hash = models.CharField(max_length=128, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Contact check for intake #{self.intake_id}"


class AppointmentOutcome(models.Model):
    """What happened at an appointment, as the clinician recorded it (one per appointment).

    Written only by `referrals.outcomes.appointment_outcome_record`, which also moves the
    appointment to completed or no-show and closes the intake's second-opinion referral.
    The triage quality page compares `diagnosis` with the engine's pattern.
    """

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    class Diagnosis(models.TextChoices):
        # The five pattern ids of the rules engine (intake.models.Pattern; a test keeps them
        # equal), then two more. Labels are a clinician's words, not the patient's hedged ones;
        # "tendinopathy" as the rules 2026.12.1 name it (the id keeps "tendinitis").
        RUNNERS_KNEE = "runners_knee", "Runner's knee"
        PATELLAR_TENDINITIS = "patellar_tendinitis", "Patellar tendinopathy"
        IT_BAND_SYNDROME = "it_band_syndrome", "IT band syndrome"
        MENISCUS_TEAR = "meniscus_tear", "Meniscus tear"
        OSTEOARTHRITIS = "osteoarthritis", "Osteoarthritis"
        OTHER = "other", "Other"
        ONWARD_URGENT = "onward_urgent", "Sent on urgently"

    class Plan(models.TextChoices):
        SELF_CARE = "self_care", "Self-care"
        PHYSIO_COURSE = "physio_course", "A course of physiotherapy"
        IMAGING = "imaging", "Imaging"
        ONWARD_REFERRAL = "onward_referral", "Referred on"
        DISCHARGED = "discharged", "Discharged"

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="outcome"
    )
    attendance = models.CharField(max_length=16, choices=Attendance.choices)
    diagnosis = models.CharField(max_length=24, choices=Diagnosis.choices, blank=True)
    diagnosis_other = models.CharField(max_length=120, blank=True)
    plan = models.CharField(max_length=16, choices=Plan.choices, blank=True)
    onward_to = models.CharField(max_length=120, blank=True)
    note = models.TextField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Attended: a diagnosis and a plan. Did not attend: neither.
            models.CheckConstraint(
                condition=models.Q(attendance="attended")
                & ~models.Q(diagnosis="")
                & ~models.Q(plan="")
                | models.Q(attendance="did_not_attend", diagnosis="", plan=""),
                name="outcome_fields_for_attendance",
            ),
            models.CheckConstraint(
                condition=~models.Q(diagnosis="other") | ~models.Q(diagnosis_other=""),
                name="outcome_other_has_text",
            ),
            models.CheckConstraint(
                condition=~models.Q(plan="onward_referral") | ~models.Q(onward_to=""),
                name="outcome_onward_has_whom",
            ),
        ]
        indexes = [
            # The quality page: outcomes in a date range.
            models.Index(fields=["recorded_at"], name="outcome_recorded_idx"),
        ]

    def __str__(self) -> str:
        return f"Outcome of appointment #{self.appointment_id}"
