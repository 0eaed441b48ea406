"""The booking API: open slots (public), and booking, cancelling and moving an appointment
with the intake's patient token."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api import PublicApiView, input_validated
from clinic.http import client_ip
from intake.selectors import intake_get_by_token
from intake.serializers import ErrorSerializer
from referrals import api_examples, selectors, serializers, services, verification
from referrals.models import Appointment, Slot


def _status_body(appointment: Appointment) -> dict[str, Any]:
    status_public = {
        **selectors.appointment_public(appointment),
        "status": appointment.status,
        "state": selectors.appointment_state(appointment),
    }
    return serializers.AppointmentStatusSerializer(status_public).data


_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="A field is missing or not valid."),
    404: OpenApiResponse(ErrorSerializer, description="Unknown or tampered token, or slot."),
    410: OpenApiResponse(ErrorSerializer, description="The token has expired."),
}


class SlotListApi(PublicApiView, generics.ListAPIView):
    serializer_class = serializers.SlotSerializer

    def get_queryset(self) -> QuerySet[Slot]:
        filters = serializers.SlotFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.slot_list_open(
            clinician_id=filters.validated_data.get("clinician"),
            starts_from=filters.validated_data.get("starts_from"),
            starts_before=filters.validated_data.get("starts_before"),
        )

    @extend_schema(
        operation_id="slots_list",
        tags=["Booking"],
        examples=api_examples.SLOTS_LIST,
        parameters=[serializers.SlotFilterSerializer],
        responses={
            200: serializers.SlotSerializer(many=True),
            400: ErrorSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such page of results."),
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # pagination_class is set: a page, or NotFound
        slots = self.get_serializer([selectors.slot_public(slot) for slot in page], many=True)
        return self.get_paginated_response(slots.data)


class AppointmentCreateApi(PublicApiView):
    @extend_schema(
        operation_id="appointments_create",
        tags=["Booking"],
        examples=api_examples.APPOINTMENT_CREATE,
        request=serializers.AppointmentCreateSerializer,
        responses={
            201: serializers.AppointmentSerializer,
            **_ERRORS,
            403: OpenApiResponse(
                ErrorSerializer,
                description="Urgent case: not bookable; or `contact_not_verified`: the "
                "patient must first confirm their phone or email (`POST "
                "/api/v1/contact-verification/`, or the page /book/<token>/verify/).",
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description="`booking_cap_reached`: too many open appointments for this "
                "contact or client address.",
            ),
            409: OpenApiResponse(
                serializers.SlotTakenSerializer,
                description="`slot_taken` (with up to three `alternatives`) or "
                "`already_booked` (this intake already has an active appointment).",
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = input_validated(serializers.AppointmentCreateSerializer, request)
        intake = intake_get_by_token(data["token"])
        # A verified contact and room under the caps (403 / 429), then the booking.
        ip = client_ip(request)
        verification.booking_gate(intake=intake, client_ip=ip)
        appointment = services.appointment_book(intake=intake, slot_id=data["slot"], booked_from=ip)
        body = serializers.AppointmentSerializer(selectors.appointment_public(appointment)).data
        return Response(body, status=status.HTTP_201_CREATED)


class AppointmentCancelApi(PublicApiView):
    @extend_schema(
        operation_id="appointments_cancel",
        tags=["Booking"],
        examples=api_examples.APPOINTMENT_CANCEL,
        request=serializers.AppointmentCancelSerializer,
        responses={
            200: serializers.AppointmentStatusSerializer,
            **_ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="Already cancelled, or past."),
        },
        auth=[],
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        data = input_validated(serializers.AppointmentCancelSerializer, request)
        appointment = selectors.appointment_get_for_token_holder(
            token=data["token"], appointment_id=appointment_id
        )
        appointment = services.appointment_cancel(appointment=appointment)
        return Response(_status_body(appointment))


class AppointmentRescheduleApi(PublicApiView):
    @extend_schema(
        operation_id="appointments_reschedule",
        tags=["Booking"],
        examples=api_examples.APPOINTMENT_RESCHEDULE,
        request=serializers.AppointmentRescheduleSerializer,
        responses={
            200: serializers.AppointmentStatusSerializer,
            **_ERRORS,
            409: OpenApiResponse(
                serializers.SlotTakenSerializer,
                description="`slot_taken` with alternatives, or the appointment was cancelled.",
            ),
        },
        auth=[],
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        data = input_validated(serializers.AppointmentRescheduleSerializer, request)
        appointment = selectors.appointment_get_for_token_holder(
            token=data["token"], appointment_id=appointment_id
        )
        appointment = services.appointment_reschedule(appointment=appointment, slot_id=data["slot"])
        return Response(_status_body(appointment))


_CHECK_ERRORS = {
    **_ERRORS,
    403: OpenApiResponse(
        ErrorSerializer,
        description="`booking_not_offered`: an urgent case is never booked, so has nothing "
        "to confirm.",
    ),
}


class ContactVerificationSendApi(PublicApiView):
    @extend_schema(
        operation_id="contact_verification_send",
        tags=["Booking"],
        summary="Send the contact check (a code by SMS, or a link by email)",
        description="Before a patient's first booking their contact must be confirmed (else "
        "`POST /api/v1/appointments/` answers 403 `contact_not_verified`). This sends a "
        "six-digit code by SMS (then `POST /api/v1/contact-verification/confirm/`) or a "
        "link by email (the patient opens it; then `verified` is true), on the patient's "
        "channel. A repeat within a minute sends nothing new; once confirmed, nothing.",
        examples=api_examples.CONTACT_VERIFICATION_SEND,
        request=serializers.ContactVerificationSendSerializer,
        responses={200: serializers.ContactVerificationSerializer, **_CHECK_ERRORS},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = input_validated(serializers.ContactVerificationSendSerializer, request)
        intake = intake_get_by_token(data["token"])
        verification.contact_verification_offered(intake)
        verification.contact_verification_send(intake=intake)
        state = verification.contact_verification_state(intake)
        return Response(serializers.ContactVerificationSerializer(state).data)


class ContactVerificationConfirmApi(PublicApiView):
    @extend_schema(
        operation_id="contact_verification_confirm",
        tags=["Booking"],
        summary="Confirm the phone with the texted code",
        description="Five tries per code, each code valid for 30 minutes; after that, send "
        "a new one. An email address is confirmed by its link, not here.",
        examples=api_examples.CONTACT_VERIFICATION_CONFIRM,
        request=serializers.ContactVerificationConfirmSerializer,
        responses={
            200: serializers.ContactVerificationSerializer,
            **_CHECK_ERRORS,
            400: OpenApiResponse(
                ErrorSerializer,
                description="A field is missing or not valid; or `verification_failed`: the "
                "code is wrong or expired, or it was tried too many times.",
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = input_validated(serializers.ContactVerificationConfirmSerializer, request)
        intake = intake_get_by_token(data["token"])
        verification.contact_verification_offered(intake)
        verification.contact_verify_code(intake=intake, code=data["code"])
        state = verification.contact_verification_state(intake)
        return Response(serializers.ContactVerificationSerializer(state).data)
