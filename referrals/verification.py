"""A reachable contact before the first booking, and caps on open appointments.

Anyone can submit an intake with anyone's phone number or email, then book: the confirmation,
reminder and cancellation messages would go to a stranger, and free times would be held by
nobody. So a patient proves their contact once per intake (a six-digit code by SMS, or a link
by email) before their first appointment, and open (future, booked) appointments are capped
per contact (same phone or email across intakes) and per client address.
"""

import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy

from clinic.errors import ApplicationError
from clinic.links import link_token_make, link_token_open
from clinic.messaging.models import Channel
from clinic.messaging.services import message_queue
from intake.links import booking_path
from intake.models import Intake, Urgency
from intake.recipients import intake_about, patient_recipient
from referrals.errors import BookingNotOffered
from referrals.models import ACTIVE_APPOINTMENT, Appointment, ContactVerification

VERIFY_LINK_PURPOSE = "verify_contact"
CODE_MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
CODE_MAX_AGE = timedelta(minutes=30)


class ContactNotVerified(ApplicationError):
    type = "contact_not_verified"
    status_code = 403
    default_detail = gettext_lazy(
        "Please confirm your phone number or email address before booking."
    )


class VerificationFailed(ApplicationError):
    type = "verification_failed"
    status_code = 400
    default_detail = gettext_lazy("That code is not right, or it has expired. Ask for a new one.")


class BookingCapReached(ApplicationError):
    type = "booking_cap_reached"
    status_code = 429
    default_detail = gettext_lazy(
        "There are already too many open appointments for these contact details. "
        "Please call the clinic to book."
    )


def _code_hash(intake_id: int, code: str) -> str:
    return salted_hmac("stride.contact_code", f"{intake_id}:{code}").hexdigest()


def contact_verified(intake: Intake) -> bool:
    """True once the intake's code or link was confirmed (no query if the booking pages'
    intake fetch already joined the row)."""
    try:
        row = intake.contact_verification
    except ContactVerification.DoesNotExist:
        return False
    return row.verified_at is not None


def contact_verification_state(intake: Intake) -> dict[str, object]:
    """What the API says about the check: the patient's channel and whether it is done."""
    return {"channel": intake.patient.channel, "verified": contact_verified(intake)}


def contact_verification_offered(intake: Intake) -> None:
    """Only a bookable intake proves its contact: an urgent case is never booked (403)."""
    if intake.urgency == Urgency.URGENT:
        raise BookingNotOffered


def contact_verification_send(*, intake: Intake, now: datetime | None = None) -> str:
    """Send the code (SMS) or the link (email) on the patient's channel; returns the channel.

    A repeat within a minute sends nothing new (the messaging daily cap also holds).
    """
    now = now or timezone.now()
    patient = intake.patient
    recipient = patient_recipient(patient)
    with transaction.atomic():
        row = ContactVerification.objects.select_for_update().filter(intake=intake).first()
        if row is not None and (row.verified_at or now - row.sent_at < RESEND_AFTER):
            return row.channel
        row = row or ContactVerification(intake=intake)
        row.channel, row.address, row.sent_at, row.attempts = (
            recipient.channel,
            recipient.address,
            now,
            0,
        )
        context = {"clinic_name": settings.CLINIC_NAME, "first_name": patient.greeting_name}
        if recipient.channel == Channel.SMS:
            code = f"{secrets.randbelow(10**6):06d}"
            row.code_hash = _code_hash(intake.pk, code)
            context["code"] = code
        else:
            row.code_hash = ""
            token = link_token_make(purpose=VERIFY_LINK_PURPOSE, object_id=intake.pk)
            context["verify_url"] = settings.SITE_URL + reverse(
                "referrals:verify-link", args=[token]
            )
        row.save()
        message_queue(
            template="contact_verify",
            purpose="contact_verify",
            idempotency_key=f"contact_verify:{intake.pk}:{int(now.timestamp())}",
            recipient=recipient,
            context=context,
            about=intake_about(intake.pk),
            opt_out_link=False,
        )
    return recipient.channel


def contact_verify_code(*, intake: Intake, code: str, now: datetime | None = None) -> None:
    """Check the SMS code: five tries, thirty minutes; VerificationFailed otherwise."""
    now = now or timezone.now()
    code = "".join((code or "").split())
    with transaction.atomic():
        row = ContactVerification.objects.select_for_update().filter(intake=intake).first()
        if row is None or not row.code_hash:
            raise VerificationFailed
        if row.verified_at:
            return
        row.attempts += 1
        fresh = now - row.sent_at <= CODE_MAX_AGE and row.attempts <= CODE_MAX_ATTEMPTS
        right = hmac.compare_digest(row.code_hash, _code_hash(intake.pk, code))
        if fresh and right:
            row.verified_at = now
        row.save(update_fields=["attempts", "verified_at"])
    if not (fresh and right):
        raise VerificationFailed


def contact_verify_link(*, token: str, now: datetime | None = None) -> str:
    """The emailed link: confirm the intake's email; returns the booking page's path (a
    booking-only link expiring with this one). BadLink / ExpiredLink for a bad token."""
    intake_id, issued_at = link_token_open(
        purpose=VERIFY_LINK_PURPOSE, token=token, max_age=settings.PATIENT_LINK_MAX_AGE
    )
    intake = Intake.objects.get(pk=intake_id)
    ContactVerification.objects.filter(intake=intake, verified_at__isnull=True).update(
        verified_at=now or timezone.now()
    )
    return booking_path(intake, issued_at=issued_at)


def booking_gate(*, intake: Intake, client_ip: str | None, now: datetime | None = None) -> None:
    """Before a patient's booking: a verified contact, and room under the two caps."""
    now = now or timezone.now()
    if not contact_verified(intake):
        raise ContactNotVerified
    patient = intake.patient
    same_contact = Q()
    if patient.email:
        same_contact |= Q(patient__email__iexact=patient.email)
    if patient.phone:
        same_contact |= Q(patient__phone=patient.phone)
    open_now = Appointment.objects.filter(ACTIVE_APPOINTMENT, starts_at__gt=now)
    if same_contact and (
        open_now.filter(same_contact).count() >= settings.BOOKING_MAX_OPEN_PER_CONTACT
    ):
        raise BookingCapReached
    if client_ip and (
        open_now.filter(booked_from=client_ip).count() >= settings.BOOKING_MAX_OPEN_PER_ADDRESS
    ):
        raise BookingCapReached
