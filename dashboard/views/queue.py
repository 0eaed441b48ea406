"""The queue page: the urgent and not-improving blocks on top (live-refreshed), the filtered
intake list under them, and today's appointments.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard import access
from dashboard.access import staff_view
from dashboard.forms import QueueFilterForm
from dashboard.middleware import REFRESH_HEADER
from dashboard.models import AuditEvent
from dashboard.selectors.appointments import appointments_today
from dashboard.selectors.queue import (
    QUEUE_PAGE_SIZE,
    intake_queue,
    referrals_not_improving,
    urgent_unacknowledged,
)
from dashboard.views.common import audit, capabilities, filter_query, filtered_page


def _top_blocks() -> dict[str, Any]:
    """The urgent and not-improving blocks: the part of the queue the live refresh replaces."""
    urgent, urgent_more = urgent_unacknowledged()
    not_improving, not_improving_more = referrals_not_improving()
    return {
        "urgent": urgent,
        "urgent_more": urgent_more,
        "not_improving": not_improving,
        "not_improving_more": not_improving_more,
    }


def _top_block_ids(blocks: dict[str, Any]) -> list[int]:
    return [i.pk for i in blocks["urgent"]] + [r.intake_id for r in blocks["not_improving"]]


@staff_view(access.USE)
def queue(request: HttpRequest) -> HttpResponse:
    if request.headers.get(REFRESH_HEADER):
        return _queue_refresh(request)
    caps = capabilities(request.user)
    form = QueueFilterForm(request.GET, clinical=caps["clinical"])
    page, status = filtered_page(
        request, form, lambda _: intake_queue(**form.queue_kwargs()), per_page=QUEUE_PAGE_SIZE
    )
    blocks = _top_blocks()
    shown = _top_block_ids(blocks)
    if page is not None:
        shown += [i.pk for i in page.object_list]
    audit(request, AuditEvent.Action.QUEUE_VIEW, object_type="intake", object_ids=shown)
    context = {
        "form": form,
        "page": page,
        **blocks,
        "appointments_today": appointments_today(),
        "filter_query": filter_query(request),
        "caps": caps,
    }
    return render(request, "dashboard/queue.html", context, status=status)


def _queue_refresh(request: HttpRequest) -> HttpResponse:
    """The script's poll: only the two top blocks, read and audited on their own.

    The blocks do not depend on the list's filters, so a bad filter in the address bar
    still answers 200 and the blocks keep updating.
    """
    blocks = _top_blocks()
    audit(
        request,
        AuditEvent.Action.QUEUE_VIEW,
        object_type="intake",
        object_ids=_top_block_ids(blocks),
    )
    return render(request, "dashboard/_queue_live.html", blocks)
