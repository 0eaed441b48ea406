"""The booking's refusals: each kind of `ApplicationError` the booking services raise.

The API answers each with its `status_code` and `type` (and `extra` keys: a taken slot's
`alternatives`); the booking pages catch the ones they answer with a better page.
"""

from typing import Any

from django.utils.translation import gettext_lazy

from clinic.errors import ApplicationError, InvalidInput


class SlotRefused(InvalidInput):
    """The slot asked for cannot be booked (unknown, past, too soon, too far, the same)."""

    default_detail = gettext_lazy("Please choose another time.")

    def __init__(self, reason: str) -> None:
        super().__init__(errors={"slot": [reason]})


class SlotTaken(ApplicationError):
    """Someone else has the slot (or it was withdrawn): here are the nearest free ones."""

    type = "slot_taken"
    status_code = 409
    default_detail = gettext_lazy("That time has just been taken. Here are the nearest free times.")

    def __init__(self, *, alternatives: list[dict[str, Any]]) -> None:
        super().__init__(extra={"alternatives": alternatives})


class AlreadyBooked(ApplicationError):
    """This intake already has an active appointment; `extra["appointment"]` is its id."""

    type = "already_booked"
    status_code = 409
    default_detail = gettext_lazy(
        "You already have a second-opinion appointment. Use its links to move or cancel it."
    )

    def __init__(self, *, appointment_id: int) -> None:
        super().__init__(extra={"appointment": appointment_id})


class BookingNotOffered(ApplicationError):
    """An urgent case: same-day care, never a booked appointment."""

    type = "booking_not_offered"
    status_code = 403
    default_detail = gettext_lazy(
        "Your answers need same-day care: please call the clinic or seek urgent care "
        "instead of booking."
    )


class AppointmentNotChangeable(ApplicationError):
    """The appointment can no longer be moved or cancelled (one of the two below)."""

    status_code = 409


class AppointmentCancelled(AppointmentNotChangeable):
    type = "appointment_cancelled"
    default_detail = gettext_lazy("This appointment was cancelled. You can book a new one.")


class AppointmentPast(AppointmentNotChangeable):
    type = "appointment_past"
    default_detail = gettext_lazy(
        "This appointment has already taken place and can no longer be changed."
    )


class AppointmentNotFound(ApplicationError):
    """No such appointment for this token: another patient's id is simply not found."""

    type = "not_found"
    status_code = 404
    default_detail = gettext_lazy("There is no such appointment for this token.")
