"""Admin for clinicians, their hours, slots and appointments (referrals: intake.admin).

Saving hours or exceptions regenerates that clinician's slots at once (a service call, not a
signal). Appointments are read-only here: cancelling goes through `appointment_cancel`, so
the patient and clinician are told.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from clinic.errors import ApplicationError, InvalidInput
from referrals import services
from referrals.hours import appointments_displaced
from referrals.models import (
    Appointment,
    AppointmentOutcome,
    AvailabilityException,
    Clinician,
    Slot,
    WeeklyAvailability,
)
from referrals.outcomes import appointment_outcome_record


def _regenerate(request: HttpRequest, clinician: Clinician) -> None:
    before = set(appointments_displaced().values_list("pk", flat=True))
    changes = services.slot_generate(clinician=clinician)
    messages.info(
        request,
        f"Slots for {clinician}: {changes.created} added, {changes.withdrawn} withdrawn, "
        f"{changes.reoffered} offered again.",
    )
    displaced = [a for a in appointments_displaced() if a.pk not in before]
    if displaced:
        # The booked appointments under the removed hours: cancelled, patients told.
        times = ", ".join(f"#{a.pk} {a.starts_at:%Y-%m-%d %H:%M} UTC" for a in displaced)
        messages.warning(
            request,
            f"{len(displaced)} booked appointment(s) were under the removed hours and are "
            f"cancelled; each patient was told and offered the nearest times: {times}. "
            "The front desk's list is at /staff/appointments/displaced/.",
        )


class WeeklyAvailabilityInline(admin.TabularInline):
    model = WeeklyAvailability
    extra = 0


class AvailabilityExceptionInline(admin.TabularInline):
    model = AvailabilityException
    extra = 0


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ("display_name", "title", "user", "active")
    list_filter = ("active",)
    search_fields = ("display_name", "user__username", "user__email")
    raw_id_fields = ("user",)
    inlines = (WeeklyAvailabilityInline, AvailabilityExceptionInline)
    actions = ("regenerate_slots",)

    def save_related(self, request, form, formsets, change) -> None:
        # Inlines are saved here, so the slots follow the hours just saved.
        super().save_related(request, form, formsets, change)
        _regenerate(request, form.instance)

    @admin.action(description="Regenerate slots to the horizon")
    def regenerate_slots(self, request: HttpRequest, queryset: QuerySet[Clinician]) -> None:
        for clinician in queryset:
            _regenerate(request, clinician)


class _AvailabilityAdmin(admin.ModelAdmin):
    list_select_related = ("clinician",)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        _regenerate(request, obj.clinician)

    def delete_model(self, request, obj) -> None:
        clinician = obj.clinician
        super().delete_model(request, obj)
        _regenerate(request, clinician)

    def delete_queryset(self, request, queryset) -> None:
        clinicians = {row.clinician for row in queryset}
        super().delete_queryset(request, queryset)
        for clinician in clinicians:
            _regenerate(request, clinician)


@admin.register(WeeklyAvailability)
class WeeklyAvailabilityAdmin(_AvailabilityAdmin):
    list_display = ("clinician", "weekday", "starts", "ends")
    list_filter = ("clinician", "weekday")


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(_AvailabilityAdmin):
    list_display = ("clinician", "date", "kind", "starts", "ends", "note")
    list_filter = ("kind", "clinician")
    date_hierarchy = "date"
    search_fields = ("note", "clinician__display_name")


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("clinician", "starts_at", "ends_at", "offered")
    list_filter = ("offered", "clinician")
    list_select_related = ("clinician",)
    date_hierarchy = "starts_at"
    readonly_fields = ("clinician", "starts_at", "ends_at", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # slots come from availability


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("id", "starts_at", "clinician", "status", "kind", "intake", "reminder_sent_at")
    list_filter = ("status", "kind", "clinician")
    list_select_related = ("clinician", "intake")
    date_hierarchy = "starts_at"
    search_fields = ("=id", "=intake__id", "patient__name", "patient__email", "patient__phone")
    actions = ("cancel_appointments",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # patients book through their link

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Cancel the selected appointments (tells patient and clinician)")
    def cancel_appointments(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        done = 0
        for appointment in queryset:
            try:
                services.appointment_cancel(appointment=appointment)
            except ApplicationError as exc:
                messages.warning(request, f"#{appointment.pk}: {exc.detail}")
            else:
                done += 1
        messages.info(request, f"{done} appointment(s) cancelled.")


class AppointmentOutcomeForm(forms.ModelForm):
    """The admin's outcome form: `appointment_outcome_record` decides, field by field."""

    class Meta:
        model = AppointmentOutcome
        fields = (
            "appointment",
            "attendance",
            "diagnosis",
            "diagnosis_other",
            "plan",
            "onward_to",
            "note",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recorded: AppointmentOutcome | None = None
        self.user: Any = None

    def _post_clean(self) -> None:
        # Not the model's own checks: the service checks the same rules and names each field.
        # It records here, so its refusals land on the form's fields; the admin's save_model
        # then has nothing left to write.
        if self.errors or self.instance.pk:
            return
        data = {k: v for k, v in self.cleaned_data.items() if k != "appointment"}
        try:
            self.recorded = appointment_outcome_record(
                appointment_id=self.cleaned_data["appointment"].pk, by=self.user, **data
            )
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                self.add_error(field if field in self.fields else None, errors)
        except ApplicationError as exc:
            self.add_error(None, exc.detail)


@admin.register(AppointmentOutcome)
class AppointmentOutcomeAdmin(admin.ModelAdmin):
    """Outcomes are added once, through the service; never edited or deleted afterwards."""

    form = AppointmentOutcomeForm
    list_display = ("appointment", "attendance", "diagnosis", "plan", "recorded_by", "recorded_at")
    list_filter = ("attendance", "diagnosis", "plan")
    list_select_related = ("appointment", "recorded_by")
    raw_id_fields = ("appointment",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class WithUser(form_class):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                self.user = request.user

        return WithUser

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return [field.name for field in self.model._meta.fields]
        return ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if form.recorded is not None:
            form.instance = form.recorded
            obj.pk = form.recorded.pk

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
