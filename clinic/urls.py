"""Every URL of Stride, one line per area: patients, API, staff, admin, FHIR."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from oauth2_provider import views as oauth2_views

from clinic import views as clinic_views
from clinic.api_docs import ApiDocsView
from intake import api as intake_api
from intake import follow_up_api
from intake import views as intake_views
from referrals.urls import api_urlpatterns as referrals_api

api_v1 = [
    path("intakes/", intake_api.IntakeCreateApi.as_view(), name="intake-create"),
    path("intakes/<str:token>/", intake_api.IntakeDetailApi.as_view(), name="intake-detail"),
    *referrals_api,
    path(
        "follow-ups/response/",
        follow_up_api.FollowUpResponseApi.as_view(),
        name="follow-up-response",
    ),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="intake:start", permanent=False)),
    path("healthz", clinic_views.healthz, name="healthz"),
    path("intake/", include("intake.urls")),
    path("language/", intake_views.language_switch, name="language"),
    # The sheet's short booking link, typed by hand: no trailing slash needed.
    re_path(
        r"^b/(?P<code>[0-9A-Za-z-]{1,40})/?$", intake_views.booking_short, name="booking_short"
    ),
    path("f/", include("intake.follow_up_urls")),
    path("m/", include("clinic.messaging.urls")),
    path("book/", include("referrals.urls", namespace="referrals")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="swagger-ui"),
    path("staff/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("fhir/R4/", include("fhir_api.urls")),
    path("o/token/", oauth2_views.TokenView.as_view(), name="oauth2-token"),
]

if settings.BENCH_ENDPOINTS:
    from bench.views import BareInsertApi, FloorIntakeApi

    urlpatterns.append(path("api/bench/insert/", BareInsertApi.as_view()))
    urlpatterns.append(path("api/bench/floor/", FloorIntakeApi.as_view()))

handler403 = "clinic.views.forbidden"
handler404 = "clinic.views.not_found"
handler500 = "clinic.views.server_error"
