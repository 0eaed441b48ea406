"""Staff views of urgent alerts: the "Acknowledge" button beside each unacknowledged alert.

The queue's urgent block lists the alerts (dashboard.selectors.queue.urgent_unacknowledged); this
POST acknowledges one and returns to the queue. The service audits it and stops escalation.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from dashboard import access, services
from dashboard.access import staff_view
from intake.models import Intake


@staff_view(access.ACKNOWLEDGE, methods=("POST",))
def alert_acknowledge(request: HttpRequest, intake_id: int) -> HttpResponse:
    get_object_or_404(Intake.objects.only("pk"), pk=intake_id)
    try:
        services.intake_acknowledge(intake_id=intake_id, by=request.user)
    except services.ActionRefused as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, "Alert acknowledged.")
    return redirect("dashboard:queue")
