"""What the translation tests read: the catalogues, the patient templates and their rules."""

import re
from pathlib import Path

import polib
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
DJANGO_CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po"))
RULES_CATALOGUES = sorted((ROOT / "intake/triage/locale").glob("*/LC_MESSAGES/rules-*.po"))
ALL_CATALOGUES = DJANGO_CATALOGUES + RULES_CATALOGUES

# Printf-style (%(name)s, %d) and str.format ({name}) placeholders.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")

# The patient's templates the scanner reads: every string in them must go through
# {% translate %} / {% blocktranslate %}.
PATIENT_TEMPLATES = sorted(
    [
        *(p.relative_to(TEMPLATES).as_posix() for p in (TEMPLATES / "emails").glob("*")),
        *(p.relative_to(TEMPLATES).as_posix() for p in (TEMPLATES / "sms").glob("*")),
        "base.html",
        "403.html",
        "404.html",
        "intake/urgent.html",
        "intake/under_12.html",
        "intake/bad_link.html",
        "intake/rate_limited.html",
        "intake/followup_answer.html",
        "intake/followup_answered.html",
        "intake/followup_thanks.html",
        "intake/_followup_outcome.html",
        "intake/_actions.html",
        "messaging/opt_out.html",
        "messaging/opted_out.html",
        "referrals/verify.html",
        "referrals/cancel.html",
        "referrals/not_offered.html",
        "referrals/_messages.html",
    ]
)
# Read by the clinic's own people, who work in English: never translated.
STAFF_ONLY = frozenset(
    {
        *(
            p.relative_to(TEMPLATES).as_posix()
            for p in (TEMPLATES / "emails").glob("*")
            if p.name.startswith(("staff_", "appointment_clinician_", "urgent_escalation"))
        ),
        "sms/urgent_escalation.txt",
    }
)
# Patient templates not yet through the machinery (issue 17, phase 2): the intake form's
# steps, the result page and the booking pages, the advice sheet.
NOT_YET = frozenset(
    {
        "intake/age.html",
        "intake/safety.html",
        "intake/details.html",
        "intake/_knee_diagram.html",
        "intake/result.html",
        "includes/field.html",
        "referrals/book.html",
        "referrals/confirm.html",
        "referrals/appointment.html",
        "advice/base.html",
        "advice/sheet.html",
        "advice/urgent.html",
        "advice/_booking.html",
    }
)


def catalogue(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))
