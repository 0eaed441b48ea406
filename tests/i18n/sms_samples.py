"""Each patient SMS template with a context as long as a real one: the clinic's settings,
links of a real signed token's length (86 characters), a day and time as when_text writes.
The clinic's name is the settings' (CLINIC_NAME); the site and address are fixed here."""

from datetime import date

TOKEN = "A" * 86
SITE = "https://stride-clinic.example"  # fixed: the test settings' SITE_URL is shorter
ADDRESS = "100 Main Street, Springfield"


def link(path: str) -> str:
    return f"{SITE}/{path}/{TOKEN}/"


WHEN = {
    "en": "Tuesday 8 December 2026, 9:00 am (Eastern Time)",
    "es": "martes 8 de diciembre de 2026, 9:00 (hora oriental)",
}


def context(template: str, language: str) -> dict:
    """A context for `template` in `language` (the clinical texts in it too)."""
    from django.utils import translation

    from intake.explain import breathlessness_in, route_text_in

    with translation.override(language):
        route_text = route_text_in("same_day")
        breathlessness = breathlessness_in()
        next_step = str(
            translation.gettext("The clinic will contact you with the time of your scan.")
        )
    links = {
        "ics": link("book/appointment") + "calendar.ics",
        "reschedule": link("book/appointment") + "reschedule/",
        "cancel": link("book/appointment") + "cancel/",
    }
    answers = {a: link("f") + f"?a={a}" for a in ("better", "same", "worse")}
    return {
        "when": WHEN[language],
        "clinician_name": "Dr. Maya Rivera",
        "clinic_address": ADDRESS,
        "book_url": link("book"),
        "booking_url": link("book"),
        "result_url": link("intake/r"),
        "links": links,
        "answer_urls": answers,
        "alternatives": [WHEN[language] + " con Dr. Maya Rivera"],
        "next_step": next_step,
        "code": "123456",
        "follow_up_on": date(2026, 12, 8),
        "running_advice": [],
        "exam_advised": False,
        "route_text": route_text,
        "breathlessness_text": breathlessness,
    }
