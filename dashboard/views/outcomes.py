"""Outcomes per pattern and intakes per week, for clinicians."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard import access, charts
from dashboard.access import staff_view
from dashboard.models import AuditEvent
from dashboard.selectors.outcomes import outcomes_per_pattern, weekly_intakes
from dashboard.views.common import audit, capabilities


@staff_view(access.CLINICAL)
def outcomes(request: HttpRequest) -> HttpResponse:
    per_pattern = outcomes_per_pattern()
    weeks = weekly_intakes()
    audit(request, AuditEvent.Action.OUTCOMES_VIEW)
    context = {
        "per_pattern": per_pattern,
        "weeks": weeks,
        "bars": charts.outcome_bars(per_pattern),
        "columns": charts.weekly_columns(weeks),
        "urgencies": charts.URGENCY_ORDER,
        "caps": capabilities(request.user),
    }
    return render(request, "dashboard/outcomes.html", context)
