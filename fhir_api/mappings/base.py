"""How a mapping module is plugged in: a source of rows and the function that maps one row.

Every resource type is one or more sources. A `RowSource` maps one database row to one
resource, so paging, `_lastUpdated`, `patient` and bulk export are plain queryset work; the
row carries its own last-updated time as the annotation `fhir_last_updated`. A type whose
instances come from several tables (Observation: the intake's and the follow-up's scores)
lists one source per table and the caller pages across them in order.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from fhir_core.fhirabstractmodel import FHIRAbstractModel


@dataclass(frozen=True)
class Filters:
    """What a search or an export asks for; every part is optional."""

    patient_pk: int | None = None
    # (lookup, instant) pairs on the last-updated time: ("gte", t), ("lt", t), ...
    updated: tuple[tuple[str, datetime], ...] = ()


@dataclass(frozen=True)
class RowSource:
    """Resources of one type made from the rows of one queryset, one resource per row."""

    resource_type: str
    prefix: str  # the id is f"{prefix}-{pk}{suffix}", e.g. "intake-42"
    rows: Callable[[], QuerySet[Any]]  # annotated with fhir_last_updated, ordered by pk
    build: Callable[[Any], FHIRAbstractModel]
    patient_lookup: str | None  # the lookup that holds the patient's pk; None: no patient
    suffix: str = ""
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = re.compile(
            rf"{re.escape(self.prefix)}-([1-9][0-9]{{0,17}}){re.escape(self.suffix)}"
        )
        object.__setattr__(self, "_pattern", pattern)

    def resource_id(self, pk: int) -> str:
        return f"{self.prefix}-{pk}{self.suffix}"

    def parse(self, resource_id: str) -> int | None:
        match = self._pattern.fullmatch(resource_id)
        return int(match.group(1)) if match else None

    def filtered(self, filters: Filters) -> QuerySet[Any]:
        rows = self.rows()
        if filters.patient_pk is not None:
            if self.patient_lookup is None:
                return rows.none()
            rows = rows.filter(**{self.patient_lookup: filters.patient_pk})
        for lookup, instant in filters.updated:
            rows = rows.filter(Q(**{f"fhir_last_updated__{lookup}": instant}))
        return rows.order_by("pk")

    def get(self, resource_id: str) -> FHIRAbstractModel | None:
        pk = self.parse(resource_id)
        if pk is None:
            return None
        row = self.rows().filter(pk=pk).first()
        return None if row is None else self.build(row)

    def count(self, filters: Filters) -> int:
        return self.filtered(filters).count()

    def page(self, filters: Filters, offset: int, limit: int) -> list[FHIRAbstractModel]:
        return [self.build(row) for row in self.filtered(filters)[offset : offset + limit]]

    def iterate(self, filters: Filters, *, chunk_size: int) -> Iterator[FHIRAbstractModel]:
        """Every resource, a chunk of rows at a time: memory stays flat in the row count."""
        for row in self.filtered(filters).iterator(chunk_size=chunk_size):
            yield self.build(row)


@dataclass(frozen=True)
class StaticSource:
    """One resource that is not a row (the Questionnaire, generated from the rules data)."""

    resource_type: str
    resource_id_: str
    build_one: Callable[[], FHIRAbstractModel]

    def get(self, resource_id: str) -> FHIRAbstractModel | None:
        return self.build_one() if resource_id == self.resource_id_ else None

    def _matches(self, filters: Filters) -> bool:
        # It belongs to no patient, and it has no stored last-updated time to filter on.
        return filters.patient_pk is None and not filters.updated

    def count(self, filters: Filters) -> int:
        return 1 if self._matches(filters) else 0

    def page(self, filters: Filters, offset: int, limit: int) -> list[FHIRAbstractModel]:
        return [self.build_one()] if self._matches(filters) and offset == 0 and limit else []

    def iterate(self, filters: Filters, *, chunk_size: int) -> Iterator[FHIRAbstractModel]:
        if self._matches(filters):
            yield self.build_one()


Source = RowSource | StaticSource
