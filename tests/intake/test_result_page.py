"""What a patient reads on the result page and the advice sheet, word for word from the rules."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from intake import advice, triage
from intake.links import intake_token
from tests.support import factories
from tests.support.advice import PATTERN_ANSWERS, pdf_squashed, squash
from tests.support.pages import index_of, page_blocks

pytestmark = pytest.mark.django_db

ASSESSMENT = {"duration_days": 30, "symptoms": ["giving_way"]}


def result_blocks(client, intake):
    response = client.get(f"/intake/r/{intake_token(intake)}/")
    assert response.status_code == 200
    return page_blocks(response.content.decode())


def route_texts() -> list[str]:
    return [
        triage.route_text(
            route,
            emergency_number=django_settings.EMERGENCY_NUMBER,
            clinic_phone=django_settings.CLINIC_PHONE,
        )
        for route in triage.CARE_ROUTES
    ]


@pytest.mark.parametrize("pattern", [p for p in PATTERN_ANSWERS if p != "unclear"])
def test_the_pattern_is_introduced_with_the_disclaimer_directly_under_it(client, pattern):
    intake = factories.make_intake(**PATTERN_ANSWERS[pattern])
    blocks = result_blocks(client, intake)
    name = index_of(blocks, cls="pattern", tag="h2")
    assert blocks[name].text == triage.pattern_name(pattern)
    assert blocks[name - 1].text == "Your answers fit a pattern often seen in…"
    assert blocks[name + 1].text == triage.DISCLAIMER
    assert "disclaimer" in blocks[name + 1].classes


def test_an_unclear_outcome_is_not_called_a_pattern_but_keeps_the_disclaimer(client):
    intake = factories.make_intake(**PATTERN_ANSWERS["unclear"])
    blocks = result_blocks(client, intake)
    name = index_of(blocks, cls="pattern", tag="h2")
    assert blocks[name].text == "No clear pattern"
    assert "fit a pattern" not in blocks[name - 1].text
    assert blocks[name + 1].text == triage.DISCLAIMER


def test_self_care_says_so_first_then_the_plan_then_the_booking(client):
    intake = factories.make_intake()
    blocks = result_blocks(client, intake)
    assert blocks[index_of(blocks, tag="h1")].text == "Self-care is advised"
    assert index_of(blocks, tag="h1") < index_of(blocks, cls="pattern")
    plan = index_of(blocks, text="Your self-care plan")
    sheet = index_of(blocks, text="Download your advice sheet (PDF)")
    book = index_of(blocks, text="Book your free second opinion")
    assert plan < sheet < book
    assert "button--secondary" in blocks[book].classes
    # Every item word for word, in the stored order.
    items = [b.text for b in blocks if b.tag == "li" and b.id.startswith("advice-")]
    outcome = intake.outcome
    assert [b.id for b in blocks if b.id.startswith("advice-")] == [
        f"advice-{a}" for a in outcome.advice
    ]
    for text, advice_id in zip(items, outcome.advice, strict=True):
        assert text.endswith(triage.ADVICE[advice_id])
    assert "Why we advise an assessment" not in [b.text for b in blocks]


def test_an_assessment_offers_the_booking_first_with_its_reasons_then_the_plan(client):
    intake = factories.make_intake(**ASSESSMENT)
    blocks = result_blocks(client, intake)
    texts = [b.text for b in blocks]
    assert blocks[index_of(blocks, tag="h1")].text == "We advise an assessment by a clinician"
    reasons = index_of(blocks, text="Why we advise an assessment")
    assert [b.text for b in blocks if b.id.startswith("reason-")] == [
        "Your knee catches or gives way.",
        "You have had this pain for more than a week.",
    ]
    book = index_of(blocks, text="Book your free second opinion")
    plan = index_of(blocks, text="Until you are seen")
    assert reasons < index_of(blocks, text="Your knee catches or gives way.") < book < plan
    assert "button--secondary" not in blocks[book].classes
    assert index_of(blocks, cls="pattern") < plan
    assert texts.count("Book your free second opinion") == 1
    # The plan ends on the booking, after the reasons it refers to.
    assert plan < index_of(blocks, text="Book your assessment. " + triage.ADVICE["book_assessment"])


def test_the_warning_signs_are_statements_with_their_routes(client):
    blocks = result_blocks(client, factories.make_intake())
    texts = [b.text for b in blocks]
    for flag in triage.RED_FLAGS.values():
        assert flag.statement in texts
        assert flag.question not in texts
    for route_text in route_texts():
        assert route_text in texts
    # Each sign comes before the route it leads to, most urgent route first.
    emergency, same_day, within_48h = (texts.index(t) for t in route_texts())
    assert texts.index(triage.RED_FLAGS["numb_cold_foot"].statement) < emergency < same_day
    assert emergency < texts.index(triage.RED_FLAGS["calf_swelling_pain"].statement) < same_day
    assert same_day < texts.index(triage.RED_FLAGS["night_pain_weight_loss"].statement)
    assert texts.index(triage.RED_FLAGS["night_pain_weight_loss"].statement) < within_48h


def test_step_rate_is_explained_in_plain_words_beside_the_plan(client):
    blocks = result_blocks(client, factories.make_intake())  # runner's knee: cadence advice
    assert "In plain words: step rate = steps per minute." in [b.text for b in blocks]


def _font_size(css: str, selector: str) -> str:
    rules = re.findall(r"(?m)^" + re.escape(selector) + r" \{[^}]*\}", css)
    sizes = [m for rule in rules for m in re.findall(r"font-size:\s*([^;]+);", rule)]
    assert len(sizes) == 1, (selector, sizes)
    return sizes[0].strip()


def test_the_disclaimer_is_never_smaller_than_the_body_text():
    static = Path(django_settings.STATICFILES_DIRS[0])
    web = (static / "css" / "stride.css").read_text()
    # Pages: the body inherits the root size (1rem); the disclaimer is set at 1rem.
    assert "font-size" not in re.search(r"(?m)^body \{[^}]*\}", web).group(0)
    assert float(_font_size(web, ".disclaimer").removesuffix("rem")) >= 1
    assert "font-size" not in " ".join(re.findall(r"(?m)^\.pattern-panel[^{]*\{[^}]*\}", web))
    sheet = (static / "advice" / "sheet.css").read_text()
    body_pt = float(_font_size(sheet, "html").removesuffix("pt"))
    assert float(_font_size(sheet, ".disclaimer").removesuffix("pt")) >= body_pt
    assert "font-size" not in " ".join(
        re.findall(r"(?m)^\.pattern \.disclaimer[^{]*\{[^}]*\}", sheet)
    )


# --- The advice sheet -------------------------------------------------------------------------


def test_the_sheet_introduces_the_pattern_with_the_disclaimer_straight_after_it():
    intake = factories.make_intake()
    text = pdf_squashed(advice.advice_sheet_pdf(intake.outcome))
    name = triage.pattern_name("runners_knee")
    assert squash(f"Your answers fit a pattern often seen in… {name} {triage.DISCLAIMER}") in text
    assert squash("Self-care is advised") in text
    assert text.index(squash("Self-care is advised")) < text.index(squash(name))
    assert squash("In plain words: step rate = steps per minute.") in text


def test_the_sheet_of_an_assessment_gives_the_reasons_and_booking_before_the_plan():
    intake = factories.make_intake(**ASSESSMENT)
    text = pdf_squashed(advice.advice_sheet_pdf(intake.outcome))
    order = [
        squash("We advise an assessment by a clinician"),
        squash("Why we advise an assessment"),
        squash("Your knee catches or gives way."),
        squash("You have had this pain for more than a week."),
        squash("Book your free second opinion."),
        squash(triage.pattern_name(intake.outcome.pattern) + " " + triage.DISCLAIMER),
        squash("Until you are seen"),
        squash(triage.ADVICE["assessment_needed"]),
        squash(triage.ADVICE["book_assessment"]),
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert text.count("/b/") == 1  # the typed link, short since issue 14 item 8


def test_the_sheet_prints_the_outcomes_rules_version_and_its_words():
    intake = factories.make_intake()
    outcome = intake.outcome
    outcome.rules_version = "2026.11.1"
    outcome.advice = ["foam_roll_quads", "monitor_pain"]
    outcome.save()
    text = pdf_squashed(advice.advice_sheet_pdf(outcome))
    assert squash("Rules 2026.11.1") in text
    assert squash("Rules 2026.12.1") not in text
    assert squash(triage.ADVICE_BY_VERSION["2026.11.1"]["foam_roll_quads"]) in text
    assert squash("In plain words: quadriceps = front-of-thigh muscles.") in text


def test_the_plan_uses_the_sheets_short_headings_and_draws_no_tick_box_on_screen(client):
    from intake.explain import ADVICE_HEADINGS

    intake = factories.make_intake()
    html = client.get(f"/intake/r/{intake_token(intake)}/").content.decode()
    blocks = page_blocks(html)
    items = {b.id.removeprefix("advice-"): b.text for b in blocks if b.id.startswith("advice-")}
    assert items
    for advice_id, text in items.items():
        assert text.startswith(f"{ADVICE_HEADINGS[advice_id]}. ")
    # A box that cannot be ticked is not drawn: no checkbox input, no box glyph on screen.
    assert 'type="checkbox"' not in html
    css = (Path(django_settings.BASE_DIR) / "static/css/stride.css").read_text()
    marker = re.search(r"\.checklist li::before \{([^}]*)\}", css).group(1)
    assert not re.search("[☐☑□■]", marker), marker
