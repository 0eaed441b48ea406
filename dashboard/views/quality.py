"""The triage quality page (/staff/quality/) and the CSV of the rows behind it.

Clinicians and admins only (the clinical capability). Thin: the summary's drain (the
intakes written since the last one recounted), filter form, the selectors (counts from the
summary tables and capped case lists: a constant number of queries whose cost does not
grow with the number of intakes), the pure figures in dashboard.quality, an audit row.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinic.http import client_ip
from dashboard import access, services
from dashboard.access import staff_view
from dashboard.models import AuditEvent
from dashboard.quality import QualityFigures, quality_csv, tally_figures
from dashboard.quality_charts import heat_cells, share_bars
from dashboard.quality_forms import QualityFilterForm, default_range
from dashboard.quality_services import quality_summary_drain
from dashboard.selectors.quality import (
    LazyRows,
    quality_cases,
    quality_rows,
    quality_tallies,
    rules_versions,
)
from dashboard.views.common import capabilities
from intake.models import Pattern
from referrals.models import AppointmentOutcome

PATTERNS = [p for p in Pattern.values if p != Pattern.UNCLEAR]
# The cases listed under each of over- and under-triage ("showing N of M" beyond this).
CASES_SHOWN = 50
NAMES = {**dict(Pattern.choices), **dict(AppointmentOutcome.Diagnosis.choices)}


def _form(request: HttpRequest) -> QualityFilterForm:
    data = request.GET.copy()
    start, end = default_range()
    data.setdefault("date_from", start.isoformat())
    data.setdefault("date_to", end.isoformat())
    # Both views read the summary (the versions offered, then the figures): recount the
    # intakes written since the last drain first, so they read it exactly right.
    quality_summary_drain()
    return QualityFilterForm(data, versions=rules_versions())


def _audit(request: HttpRequest, action: str, ids: list[int]) -> None:
    services.audit_record(
        actor=request.user,
        action=action,
        object_type="intake",
        object_ids=ids,
        ip_address=client_ip(request),
    )


def _figures(filters: dict[str, Any]) -> QualityFigures:
    """The page's figures from summed counts and the first few cases (never every row)."""
    tallies = quality_tallies(**filters)
    over_triage, under_triage = quality_cases(**filters, limit=CASES_SHOWN)
    return tally_figures(
        tallies,
        patterns=PATTERNS,
        rows=LazyRows(**filters),
        over_triage=over_triage,
        under_triage=under_triage,
    )


@staff_view(access.CLINICAL)
def quality(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {
        "form": form,
        "caps": capabilities(request.user),
        "names": NAMES,
    }
    if not form.is_valid():
        _audit(request, AuditEvent.Action.QUALITY_VIEW, [])
        return render(request, "dashboard/quality.html", context, status=400)
    figures = _figures(form.cleaned_data)
    # The listed cases are the ones whose details a reader could follow up: audit those.
    listed = [row.intake_id for row in (*figures.over_triage, *figures.under_triage)]
    _audit(request, AuditEvent.Action.QUALITY_VIEW, listed)
    context.update(
        {
            "figures": figures,
            "versions": [
                {
                    "v": v,
                    "names": [NAMES.get(label, label) for label in v.matrix.labels],
                    "rows": [
                        {"name": NAMES.get(label, label), "cells": cells}
                        for label, cells in zip(v.matrix.labels, heat_cells(v.matrix), strict=True)
                    ],
                }
                for v in figures.by_version
            ],
            "improving": [
                {"pattern": NAMES[p], "rate": r} for p, r in figures.improving_by_pattern.items()
            ],
            "bars": share_bars(figures.improving_by_pattern, NAMES),
            "csv_query": request.GET.urlencode(),
        }
    )
    return render(request, "dashboard/quality.html", context)


@staff_view(access.CLINICAL)
def quality_csv_download(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(
            "Bad filter: "
            + "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = quality_rows(**form.cleaned_data)
    _audit(request, AuditEvent.Action.QUALITY_EXPORT, [row.intake_id for row in rows])
    data = form.cleaned_data
    response = HttpResponse(quality_csv(rows), content_type="text/csv; charset=utf-8")
    name = f"triage-quality-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
