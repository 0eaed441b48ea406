"""What every API view shares: one error shape, strict input, public (token) views.

Every error body is `{"type": str, "detail": str, "errors": {field: [messages]}}`, plus any
extra keys the error carries (for example `alternatives` on a taken slot). Services raise
`clinic.errors.ApplicationError`; `exception_handler` is the one place it becomes a body.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from clinic.errors import ApplicationError, InvalidInput
from clinic.http import client_network

_TYPES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF nests errors; partners want `{"answers.pain_now": ["…"]}`-style keys, one level."""
    if isinstance(data, dict):
        out: dict[str, list[str]] = {}
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
        return out
    if isinstance(data, list):
        if all(not isinstance(item, dict | list) for item in data):
            return {prefix or "non_field_errors": [str(item) for item in data]}
        out = {}
        for index, item in enumerate(data):
            if item:
                out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or "non_field_errors": [str(data)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every error in the one body shape (settings: EXCEPTION_HANDLER)."""
    if isinstance(exc, ApplicationError):
        body = {"type": exc.type, "detail": exc.detail, "errors": exc.errors, **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, RequestDataTooBig):
        return Response(
            {"type": "payload_too_large", "detail": "The request body is too large.", "errors": {}},
            status=413,
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "type": "validation_error",
            "detail": "Some fields are not valid.",
            "errors": _flatten(exc.detail),
        }
    elif isinstance(exc, exceptions.ParseError):
        body = {"type": "parse_error", "detail": str(exc.detail), "errors": {}}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = {
            "type": _TYPES.get(response.status_code, "error"),
            "detail": str(detail),
            "errors": {},
        }
    response.data = body
    return response


class StrictPageNumberPagination(PageNumberPagination):
    """Page numbers as DRF does them, except that `?page=` is an error, not page one."""

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        if request.query_params.get(self.page_query_param) == "":
            raise exceptions.ValidationError({self.page_query_param: ["Must not be empty."]})
        return super().get_page_number(request, paginator)


class ClientScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, keyed on the client's address or, for IPv6, its /64.

    Same scopes, rates, sliding window and Retry-After as DRF's; with the Redis cache
    (`clinic.cache.ResilientRedisCache.throttle_hit`) the check and the count are one
    round trip instead of a read and a write.
    """

    _window: tuple[int, float | None] | None = None

    def get_ident(self, request: Any) -> str:
        return client_network(request) or super().get_ident(request)

    def allow_request(self, request: Any, view: Any) -> bool:
        hit = getattr(self.cache, "throttle_hit", None)
        if hit is None:
            return super().allow_request(request, view)
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        allowed, count, oldest = hit(self.key, self.now, self.duration, self.num_requests)
        self._window = (count, oldest)
        return bool(allowed)

    def wait(self) -> float | None:
        if self._window is None:
            return super().wait()
        # DRF's formula, from the window's size and oldest request instead of its history.
        count, oldest = self._window
        duration, limit = self.duration or 0, self.num_requests or 0  # set with _window
        remaining = duration - (self.now - oldest) if oldest is not None else duration
        available = limit - count + 1
        return remaining / float(available) if available > 0 else None


class PublicApiView(APIView):
    """A patient-facing endpoint: no session, no login; the signed token is the access.

    Throttled per client under the `patient_token` scope unless a view names another.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "patient_token"


def json_object_body(request: Any) -> dict[str, Any]:
    """The parsed body, which must be a JSON object; anything else is a field-style 400."""
    if not isinstance(request.data, dict):
        raise InvalidInput(errors={"non_field_errors": ["Expected a JSON object."]})
    return request.data


class StrictSerializer(serializers.Serializer):
    """Refuses unknown fields, so a typo is an error and not a silent default."""

    # The docstring above is every strict input's description in the OpenAPI schema.
    # Unknown fields are reported with the other bad fields, all in one answer.

    def to_internal_value(self, data: Any) -> Any:
        unknown: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            unknown = {str(key): ["Unknown field."] for key in data if key not in self.fields}
            unknown = dict(sorted(unknown.items()))
        try:
            value = super().to_internal_value(data)
        except exceptions.ValidationError as exc:
            detail = exc.detail
            if not isinstance(detail, dict):
                detail = {"non_field_errors": detail}
            raise exceptions.ValidationError({**unknown, **detail}) from exc
        if unknown:
            raise exceptions.ValidationError(unknown)
        return value


class SharedFieldsOutputSerializer(serializers.Serializer):
    """An output serializer whose field tree is built once per class, not once per answer.

    DRF deep-copies every declared field, and every nested serializer's, for each instance:
    about 40 field objects per intake answer, most of its serializer's time. Fields that
    only turn values into JSON keep nothing between calls, so one tree, bound to one
    context-free instance, serves every answer (the nested serializers in it build their
    own fields once, too). Output only: validation keeps state on the serializer tree.
    """

    @property
    def fields(self) -> Any:
        cls = type(self)
        shared = cls.__dict__.get("_shared_fields")
        if shared is None:
            shared = serializers.Serializer.fields.func(cls())  # type: ignore[attr-defined]
            cls._shared_fields = shared  # type: ignore[attr-defined]
        return shared


def input_validated(serializer_class: type[serializers.Serializer], request: Any) -> Any:
    """A view's input: a JSON object, checked by its strict input serializer, or a 400."""
    serializer = serializer_class(data=json_object_body(request))
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
