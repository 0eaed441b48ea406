"""Take-home advice sheets: a TriageOutcome printed to an accessible PDF, stored once.

The sheet is `templates/advice/sheet.html` (or `urgent.html`) rendered by WeasyPrint with
a url_fetcher that can read nothing but the project's own static files. It is stored in
Django's default storage (a folder locally, S3 in production) under a key made of the
outcome id, the current rules version and SHEET_TEMPLATE_VERSION, so a change to either
yields a new file instead of a stale one (the advice keeps the words of the outcome's own
version; pattern names, warning signs and the disclaimer are the current rules').
See docs/advice-sheets.md.
"""

import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from clinic import languages, locales
from clinic.zones import local_date
from intake import triage
from intake.explain import clinical_text, outcome_explained, warning_signs
from intake.links import booking_url, short_booking_url
from intake.models import Intake, TriageOutcome
from intake.selectors import appointment_in_hand, intake_get_by_token
from intake.services import AFTER_SUBMIT_SCAN_GRACE, AFTER_SUBMIT_SCAN_WINDOW
from intake.urgent import urgent_texts

logger = logging.getLogger(__name__)

# Bump when the sheet's template or CSS changes what a patient would read or see: every
# sheet is then rendered again on its next request instead of serving the old layout.
SHEET_TEMPLATE_VERSION = "3"
STORAGE_PREFIX = "advice-sheets"
PDF_VARIANT = "pdf/ua-1"  # tagged PDF with PDF/UA-1 identification (WeasyPrint ≥ 61)


class RefusedResource(ValueError):
    """The sheet asked for something outside the project's static files."""


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint url_fetcher that serves only files under the project's static folders.

    Everything else is refused before any I/O: http(s), ftp, data: URIs of any size, and
    file:// paths that resolve (after `..` and symlinks) outside those folders. WeasyPrint
    logs a refusal as a warning and leaves the resource out; the sheet still renders.
    """

    def __init__(self, roots: list[Path] | None = None) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.roots = [Path(os.path.realpath(r)) for r in (roots or static_roots())]

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self.resolve(url)
        return URLFetcherResponse(url, body=path.read_bytes(), headers=_content_headers(path))

    def resolve(self, url: str) -> Path:
        """The local file `url` names, or RefusedResource. Public so tests can probe it."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedResource("only the project's static files may be fetched")
        path = Path(os.path.realpath(url2pathname(parts.path)))
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise RefusedResource("only the project's static files may be fetched")
        return path


_CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


def _content_headers(path: Path) -> dict[str, str]:
    return {"Content-Type": _CONTENT_TYPES.get(path.suffix, "application/octet-stream")}


def static_roots() -> list[Path]:
    return [Path(p) for p in settings.STATICFILES_DIRS]


def static_base_url() -> str:
    """Relative URLs in the sheet (`advice/sheet.css`) resolve against the static folder."""
    return static_roots()[0].resolve().as_uri() + "/"


# --- Reading the outcome into what the sheet prints ---------------------------------------


# Long on purpose: one flat dict of what the sheet prints, urgent and normal, read in one place.
def advice_sheet_context(outcome: TriageOutcome) -> dict[str, Any]:
    """Everything the sheet prints: the outcome explained to the patient, and the clinic's
    details. The rules version is the outcome's own, like every text the sheet prints."""
    intake = outcome.intake
    patient = intake.patient
    explained = outcome_explained(outcome, audience="patient")
    # Dates, not datetimes: the template's `date` filter would move a datetime back into the
    # clinic's zone, and the patient reads their own calendar.
    submitted = local_date(intake.submitted_at, patient.timezone)
    context: dict[str, Any] = {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_address": settings.CLINIC_ADDRESS,
        "clinic_phone": settings.CLINIC_PHONE,
        "first_name": patient.first_name,
        "date": submitted,
        "created_iso": intake.submitted_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "urgent": explained.urgent,
        "explained": explained,
        "disclaimer": explained.disclaimer,
        "advice": explained.advice,
        # The urgent sheet's list (its own template); the normal sheet groups them by route.
        "warning_signs": [clinical_text(flag.question) for flag in triage.RED_FLAGS.values()],
        "warning_groups": warning_signs(),
        "rules_version": explained.rules_version,
        "paper": locales.paper_size().lower(),  # advice/paper-a4.css or paper-letter.css
    }
    if explained.urgent:
        # The route of the signs given, and the breathlessness line (intake.urgent's texts).
        context.update(urgent_texts(list(outcome.red_flags)))
        context["warning_statements"] = [
            clinical_text(f.statement) for f in triage.RED_FLAGS.values()
        ]
        return context
    link = booking_url(intake)  # the QR code; the typed link is its short form (/b/<code>)
    short = short_booking_url(intake)
    follow_up = _follow_up_or_none(intake)
    context.update(
        {
            "assessment": explained.assessment,
            "follow_up_at": (local_date(follow_up.due_at, patient.timezone) if follow_up else None),
            "patient_zone": patient.timezone,
            # A sheet rendered after a booking shows the appointment, not an invitation.
            "appointment": appointment_in_hand(intake),
            "booking_url": link,
            "booking_short_url": short,
            "booking_short_text": short.split("://", 1)[-1],
            "booking_qr": segno.make(link, error="m").svg_inline(
                scale=2, title="QR code for the booking link", dark="#000", light="#fff"
            ),
        }
    )
    return context


def _follow_up_or_none(intake: Intake) -> Any:
    """The follow-up the sheet announces: only one still to come."""
    follow_up = intake.follow_up_or_none
    return follow_up if follow_up and follow_up.status == follow_up.Status.SCHEDULED else None


def advice_sheet_html(outcome: TriageOutcome) -> str:
    """The sheet's HTML in the patient's language, whatever the request's or worker's."""
    with languages.override(outcome.intake.patient.language):
        context = advice_sheet_context(outcome)
        template = "advice/urgent.html" if context["urgent"] else "advice/sheet.html"
        return render_to_string(template, context)


def advice_sheet_pdf(outcome: TriageOutcome) -> bytes:
    """Render the sheet to PDF bytes (no storage): tagged PDF/UA-1, static files only."""
    html = advice_sheet_html(outcome)
    return html_to_pdf(html, url_fetcher=StaticOnlyFetcher())


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, reused across renders.

    WeasyPrint builds a new one (a new Pango font map) per document by default, and that
    memory is not given back: about 0.25 MB per sheet, which a long-lived worker would
    accumulate. Per thread, because Pango font maps are not thread-safe.
    """
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def html_to_pdf(html: str, *, url_fetcher: URLFetcher | None = None) -> bytes:
    """The WeasyPrint call itself; the benchmark times it bare against the full render."""
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=url_fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT, font_config=_font_config())


# --- Storage -------------------------------------------------------------------------------


def advice_sheet_key(outcome: TriageOutcome) -> str:
    """Where the sheet lives: ids, versions and the language, never health data.

    English keeps the key it always had; another language adds its code (`….es.pdf`), so a
    patient who switches language gets a sheet in the new one, rendered on request.
    """
    language = outcome.intake.patient.language
    suffix = "" if language == languages.ENGLISH else f".{language}"
    return (
        f"{STORAGE_PREFIX}/{outcome.pk}/"
        f"rules-{triage.RULES_VERSION}-sheet-{SHEET_TEMPLATE_VERSION}{suffix}.pdf"
    )


def advice_sheet_filename(outcome: TriageOutcome) -> str:
    """What the patient's browser saves it as: `knee-plan-2026-11-25.pdf` (their own date)."""
    day = local_date(outcome.intake.submitted_at, outcome.intake.patient.timezone)
    return f"knee-plan-{day.isoformat()}.pdf"


def advice_sheet_store(*, outcome: TriageOutcome) -> None:
    """Render the sheet and store it under its key, unless it is already there."""
    key = advice_sheet_key(outcome)
    if not default_storage.exists(key):
        _render_and_save(outcome, key)


def advice_sheet_get(*, outcome: TriageOutcome) -> bytes:
    """The stored sheet, or a fresh render that is stored on the way out.

    `exists` first rather than catching a failed open: storages disagree on what a missing
    file raises (FileSystemStorage: FileNotFoundError; S3: a botocore error).
    """
    key = advice_sheet_key(outcome)
    if default_storage.exists(key):
        return _read(key)
    logger.info("advice sheet for outcome %s missing; rendering on request", outcome.pk)
    return _render_and_save(outcome, key)


def _render_and_save(outcome: TriageOutcome, key: str) -> bytes:
    """Two workers racing on one outcome both render; the storage saves the loser's copy
    under a suffixed name, which is deleted at once, so one file stays under the key."""
    pdf = advice_sheet_pdf(outcome)
    saved = default_storage.save(key, ContentFile(pdf))
    if saved != key:
        default_storage.delete(saved)
    return pdf


def _read(key: str) -> bytes:
    with default_storage.open(key, "rb") as stored:
        return stored.read()


def advice_sheet_render(*, outcome_id: int) -> None:
    """The task's service: render and store one outcome's sheet (a no-op if stored)."""
    outcome = (
        TriageOutcome.objects.select_related("intake__patient", "intake__follow_up")
        .filter(pk=outcome_id)
        .first()
    )
    if outcome is None:
        return
    advice_sheet_store(outcome=outcome)


def advice_sheets_missing(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of recent outcomes whose sheet is not stored (the broker may have lost the task)."""
    now = now or timezone.now()
    recent = TriageOutcome.objects.filter(
        created_at__gte=now - AFTER_SUBMIT_SCAN_WINDOW,
        created_at__lte=now - AFTER_SUBMIT_SCAN_GRACE,  # not one whose task is on its way
    ).order_by("pk")
    # One storage lookup per outcome (a HEAD on S3): bounded by the window and a cap.
    return [o.pk for o in recent[:limit] if not default_storage.exists(advice_sheet_key(o))]


# --- Serving a sheet -----------------------------------------------------------------------


def advice_sheet_outcome_for(*, token: str) -> TriageOutcome:
    """The outcome whose sheet the patient's `token` opens, or BadLink / ExpiredLink.

    Patient rules only: a clinician downloads from the staff side (dashboard), audited.
    """
    return intake_get_by_token(token).outcome


def advice_sheet_response(outcome: TriageOutcome) -> HttpResponse:
    """The stored sheet as a download named for the patient's day, for patient and staff."""
    response = HttpResponse(advice_sheet_get(outcome=outcome), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=advice_sheet_filename(outcome)
    )
    # Health data: never kept by a shared cache or the browser's back-forward cache.
    response["Cache-Control"] = "private, no-store"
    return response
