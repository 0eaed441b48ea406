"""The follow-up answer link that every check-in message carries: `/f/<token>/`."""

from django.urls import path

from intake import follow_up_views

app_name = "followups"

urlpatterns = [
    path("<str:token>/", follow_up_views.follow_up_answer, name="answer"),
]
