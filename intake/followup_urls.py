"""The follow-up answer link that every check-in message carries: `/f/<token>/`."""

from django.urls import path

from intake import followup_views

app_name = "followups"

urlpatterns = [
    path("<str:token>/", followup_views.followup_answer, name="answer"),
]
