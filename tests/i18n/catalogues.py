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

# Pages only the clinic's staff see, in English (clinic.middleware.StaffEnglishMiddleware):
# the staff dashboard and the API's documentation page.
STAFF_DIRECTORIES = ("dashboard/", "api_docs/")
# The patient's templates the scanner reads: every template outside the staff directories
# (pages, the intake form's steps, the booking pages, the advice sheets, emails and SMS);
# every string in them must go through {% translate %} / {% blocktranslate %}.
PATIENT_TEMPLATES = sorted(
    name
    for name in (p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*") if p.is_file())
    if not name.startswith(STAFF_DIRECTORIES)
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
# Patient templates not yet through the machinery: none since issue 17's second phase. A
# template named here must say why it is exempt.
NOT_YET: frozenset[str] = frozenset()


def catalogue(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))
