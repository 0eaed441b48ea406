"""Reading a search's query string strictly: a parameter we do not support is a 400, never
silently ignored (a client must not believe a filter was applied when it was not)."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

from fhir_api.errors import BadRequest
from fhir_api.mappings import Filters, patient

# FHIR's comparison prefixes that _lastUpdated accepts, as Django lookups.
PREFIXES = {"ge": "gte", "gt": "gt", "le": "lte", "lt": "lt"}
FORMATS = {"json", "application/json", "application/fhir+json"}


@dataclass(frozen=True)
class Search:
    filters: Filters
    count: int
    offset: int


def parse_instant(value: str, *, name: str, end_of_day: bool = False) -> datetime:
    """A FHIR date or dateTime; a date means its whole day (UTC); a time needs a zone."""
    day = parse_date(value) if len(value) == 10 else None
    if day is not None:
        start = datetime.combine(day, time.min, tzinfo=UTC)
        return start + timedelta(days=1) if end_of_day else start
    try:
        instant = parse_datetime(value.replace("Z", "+00:00"))
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise BadRequest(f"{name} must be a date or a date and time with a time zone.")
    return instant


def _last_updated(values: list[str]) -> tuple[tuple[str, datetime], ...]:
    found = []
    for value in values:
        prefix, rest = value[:2], value[2:]
        if prefix not in PREFIXES:
            raise BadRequest("_lastUpdated takes a prefix: ge, gt, le or lt (e.g. ge2026-11-01).")
        is_date = len(rest) == 10
        # A day compared with le/gt stands for its end: le2026-11-29 includes that whole day.
        if is_date and prefix in ("le", "gt"):
            lookup = "lt" if prefix == "le" else "gte"
            found.append((lookup, parse_instant(rest, name="_lastUpdated", end_of_day=True)))
        else:
            found.append((PREFIXES[prefix], parse_instant(rest, name="_lastUpdated")))
    return tuple(found)


def _integer(value: str, *, name: str, low: int, high: int) -> int:
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}.")
    return int(value)


def parse_patient(value: str) -> int:
    """`Patient/patient-7` or `patient-7` to 7."""
    resource_id = value.removeprefix("Patient/")
    pk = patient.SOURCES[0].parse(resource_id)
    if pk is None:
        raise BadRequest("patient must be a Patient id such as Patient/patient-7.")
    return pk


def parse_search(query: QueryDict, *, allows_patient: bool) -> Search:
    allowed = {
        "_count",
        "_offset",
        "_lastUpdated",
        "_format",
        *(("patient",) if allows_patient else ()),
    }
    unknown = sorted(set(query) - allowed)
    if unknown:
        raise BadRequest(f"Unsupported search parameter(s): {', '.join(unknown)}.")
    for name in ("_count", "_offset", "patient", "_format"):
        if len(query.getlist(name)) > 1:
            raise BadRequest(f"{name} may be given once.")
    if query.get("_format", "json") not in FORMATS:
        raise BadRequest("Only JSON is served (_format=json).")
    count = _integer(
        query.get("_count", str(settings.FHIR_PAGE_SIZE)),
        name="_count",
        low=0,
        high=settings.FHIR_MAX_PAGE_SIZE,
    )
    offset = _integer(query.get("_offset", "0"), name="_offset", low=0, high=10**9)
    patient_pk = parse_patient(str(query["patient"])) if "patient" in query else None
    filters = Filters(patient_pk=patient_pk, updated=_last_updated(query.getlist("_lastUpdated")))
    return Search(filters=filters, count=count, offset=offset)
