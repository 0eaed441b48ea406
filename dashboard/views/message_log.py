"""The message log (every email and SMS, failed first) and resending one message."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from clinic.messaging.models import Message
from dashboard import access, services
from dashboard.access import staff_view
from dashboard.forms import MessageFilterForm
from dashboard.models import AuditEvent
from dashboard.selectors.message_log import MESSAGE_PAGE_SIZE, messages_logged
from dashboard.views.common import audit, capabilities, filter_query, filtered_page


@staff_view(access.MESSAGE_LOG)
def message_log(request: HttpRequest) -> HttpResponse:
    form = MessageFilterForm(request.GET)
    page, status = filtered_page(
        request,
        form,
        lambda data: messages_logged(status=data["status"], channel=data["channel"]),
        per_page=MESSAGE_PAGE_SIZE,
    )
    shown = [m.pk for m in page.object_list] if page else []
    audit(request, AuditEvent.Action.MESSAGES_VIEW, object_type="message", object_ids=shown)
    context = {
        "form": form,
        "page": page,
        "filter_query": filter_query(request),
        "caps": capabilities(request.user),
    }
    return render(request, "dashboard/messages.html", context, status=status)


@staff_view(access.RESEND, methods=("POST",))
def message_resend(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.only("pk"), pk=message_id)
    message = services.message_resend(message_id=message.pk, by=request.user)
    if message.status == Message.Status.QUEUED:
        messages.success(request, f"Message #{message.pk} is queued to send again.")
    else:
        messages.info(request, f"Message #{message.pk} is {message.get_status_display().lower()}.")
    back = request.POST.get("next", "")
    if back.startswith("/staff/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect("dashboard:messages")
