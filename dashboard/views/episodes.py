"""Staff action: merge two patient records of the same person (dashboard.episodes)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from clinic.http import client_ip
from dashboard import access
from dashboard.access import staff_view
from dashboard.episodes import MergeRefused, patients_merge
from intake.models import Intake


class MergeForm(forms.Form):
    merge_id = forms.IntegerField(min_value=1)
    intake_id = forms.IntegerField(min_value=1)


@staff_view(access.CONTACT_DETAILS, methods=("POST",))
def patient_merge(request: HttpRequest, patient_id: int) -> HttpResponse:
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the record to merge.")
        return redirect("dashboard:queue")
    intake = get_object_or_404(Intake.objects.only("pk"), pk=form.cleaned_data["intake_id"])
    try:
        patients_merge(
            keep_id=patient_id,
            merge_id=form.cleaned_data["merge_id"],
            by=request.user,
            ip_address=client_ip(request),
        )
    except MergeRefused as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Records merged: every episode is now under this patient.")
    return redirect("dashboard:intake", intake_id=intake.pk)
