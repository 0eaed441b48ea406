"""The intake form in short steps, through HTTP: what each step asks, how answers travel
between steps, and that a mistake shows on its own step and saves nothing."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from intake import triage
from intake.diagram import WIDTH, knee_diagram
from intake.forms import IntakeForm
from intake.models import Intake, Patient
from intake.validation import phone_to_e164

pytestmark = pytest.mark.django_db

SAFETY_NO = {flag: "no" for flag in triage.RED_FLAGS}
# What the patient types on each step, in order.
STEP_ANSWERS = {
    "safety": SAFETY_NO,
    "age": {"age": "41"},
    "knee": {"knee": "left", "pain_now": "4", "duration_days": "3", "duration_unit": "weeks"},
    "pain": {
        "pain_locations": ["outside"],
        "pain_triggers": ["running", "stairs"],
        "run_onset": "after_few_minutes",
        "eases_when_stopping": "yes",
    },
    "running": {"weekly_km": "30", "surfaces": ["banked_or_cambered"], "cadence_spm": "168"},
    "details": {
        "name": "Jo Trail",
        "channel": "email",
        "email": "jo@example.com",
        "timezone": "Europe/Berlin",
        "consent_follow_up": "on",
    },
}
STEPS = tuple(STEP_ANSWERS)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # A walk through the steps posts up to 15 times; the form's limit (30 a minute, counted
    # in the shared cache) is tested in test_views.py, not here.
    settings.RATELIMIT_ENABLE = False


class _Inputs(HTMLParser):
    """The hidden inputs of a page: what it carries to the next step."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden" and a.get("name") != "csrfmiddlewaretoken":
            self.hidden.setdefault(a["name"], []).append(a.get("value") or "")


def carried(response) -> dict[str, list[str]]:
    parser = _Inputs()
    parser.feed(response.content.decode())
    return parser.hidden


def post_step(client, response, step, answers, **extra):
    """Post `step` as the browser would: the page's hidden inputs plus what was typed."""
    data = {**carried(response), **answers, **extra}
    data["step"] = step
    return client.post("/intake/", data)


def walk(client, upto: str, **changes):
    """Answer the steps before `upto`; returns the response showing `upto`."""
    response = client.get("/intake/")
    for step in STEPS[: STEPS.index(upto)]:
        response = post_step(client, response, step, {**STEP_ANSWERS[step], **changes})
        summary = re.search(r'id="error-summary".*?</div>', response.content.decode(), re.S)
        assert response.status_code == 200, (step, response.status_code, summary)
    return response


def shown_step(response) -> str:
    return re.search(r'name="step" value="(\w+)"', response.content.decode()).group(1)


def nothing_saved() -> bool:
    return Intake.objects.count() == 0 and Patient.objects.count() == 0


def test_each_step_says_which_step_of_how_many_it_is(client):
    for number, step in enumerate(STEPS, start=1):
        response = walk(client, step)
        assert shown_step(response) == step
        assert f"Step {number} of {len(STEPS)}" in response.content.decode()


def test_walking_every_step_saves_one_intake_with_every_answer(client):
    response = walk(client, "details")
    response = post_step(client, response, "details", STEP_ANSWERS["details"])
    assert response.status_code == 302, response.content.decode()[:3000]
    intake = Intake.objects.get()
    assert intake.answers["knee"] == "left"
    assert intake.answers["duration_days"] == 21  # 3 weeks, stored in days
    assert intake.answers["pain_triggers"] == ["running", "stairs"]
    assert intake.answers["eases_when_stopping"] is True
    assert intake.answers["cadence_spm"] == 168
    assert intake.patient.timezone == "Europe/Berlin"
    assert intake.pattern == "it_band_syndrome"


def test_back_shows_the_step_before_with_every_answer_kept(client):
    response = walk(client, "running")
    back = post_step(client, response, "running", {"weekly_km": "55"}, go="back")
    assert back.status_code == 200
    assert shown_step(back) == "pain"
    html = back.content.decode()
    assert re.search(r'value="outside"[^>]*checked', html)
    assert re.search(r'value="after_few_minutes"[^>]*checked', html)
    assert carried(back)["weekly_km"] == ["55"]  # what was typed on the later step rides along
    assert carried(back)["knee"] == ["left"]
    again = post_step(client, back, "pain", {k: v for k, v in STEP_ANSWERS["pain"].items()})
    assert shown_step(again) == "running"
    assert 'value="55"' in again.content.decode()
    to_age = post_step(client, walk(client, "knee"), "knee", STEP_ANSWERS["knee"], go="back")
    assert shown_step(to_age) == "age" and 'name="age" value="41"' in to_age.content.decode()
    assert carried(to_age)["knee"] == ["left"]


def test_a_refreshed_step_shows_the_same_page_again_and_saves_nothing(client):
    response = walk(client, "running")
    first = post_step(client, response, "running", STEP_ANSWERS["running"])
    second = post_step(client, response, "running", STEP_ANSWERS["running"])
    assert shown_step(first) == shown_step(second) == "details"
    assert carried(first) == carried(second)
    assert nothing_saved()


@pytest.mark.parametrize(
    ("step", "answers", "field", "message"),
    [
        ("knee", {"knee": "middle"}, "knee", "Select a valid choice"),
        ("knee", {"knee": ""}, "knee", "This field is required"),
        ("knee", {"pain_now": "11"}, "pain_now", "less than or equal to 10"),
        ("knee", {"pain_now": ""}, "pain_now", "This field is required"),
        ("knee", {"pain_worst_week": "-1"}, "pain_worst_week", "greater than or equal to 0"),
        ("knee", {"duration_days": "x"}, "duration_days", "Enter a whole number"),
        ("knee", {"duration_days": "200", "duration_unit": "months"}, "duration_days", "3650"),
        ("pain", {"pain_locations": []}, "pain_locations", "This field is required"),
        ("pain", {"pain_locations": ["elbow"]}, "pain_locations", "Select a valid choice"),
        ("pain", {"run_onset": "never"}, "run_onset", "Select a valid choice"),
        ("pain", {"eases_when_stopping": "maybe"}, "eases_when_stopping", "valid choice"),
        ("running", {"weekly_km": "401"}, "weekly_km", "less than or equal to 400"),
        ("running", {"shoe_km": "lots"}, "shoe_km", "Enter a number"),
        ("running", {"cadence_spm": "99"}, "cadence_spm", "greater than or equal to 100"),
        ("details", {"name": ""}, "name", "This field is required"),
        ("details", {"email": "nope"}, "email", "Enter a valid email address"),
        ("details", {"channel": "sms", "phone": "123"}, "phone", "Enter a valid phone number"),
        ("details", {"channel": "sms", "phone": ""}, "phone", "mobile number"),
        ("details", {"email": ""}, "email", "email address"),
        ("details", {"timezone": "Mars/Base"}, "timezone", "Select a valid choice"),
    ],
)
def test_a_mistake_is_shown_on_its_own_step_by_its_field_and_nothing_is_saved(
    client, step, answers, field, message
):
    response = walk(client, step)
    response = post_step(client, response, step, {**STEP_ANSWERS[step], **answers})
    assert response.status_code == 400
    assert shown_step(response) == step
    form = response.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    html = response.content.decode()
    assert 'id="error-summary"' in html and f'href="#id_{field}' in html
    assert nothing_saved()


def test_only_the_steps_reached_so_far_are_checked(client):
    response = post_step(client, walk(client, "knee"), "knee", STEP_ANSWERS["knee"])
    assert response.status_code == 200
    assert shown_step(response) == "pain"
    assert 'id="error-summary"' not in response.content.decode()  # the name is not asked yet


@pytest.mark.parametrize(
    ("field", "value", "step"),
    [
        ("pain_now", "99", "knee"),
        ("pain_locations", "elbow", "pain"),
        ("cadence_spm", "9", "running"),
    ],
)
def test_a_tampered_hidden_answer_sends_the_patient_back_to_its_step(client, field, value, step):
    response = walk(client, "details")
    data = {**carried(response), **STEP_ANSWERS["details"], field: value, "step": "details"}
    response = client.post("/intake/", data)
    assert response.status_code == 400
    assert shown_step(response) == step
    assert field in response.context["form"].errors
    assert carried(response)["name"] == ["Jo Trail"]  # the later answers are kept
    assert nothing_saved()


def test_a_tampered_age_asks_the_age_again_and_a_skipped_safety_step_the_safety_questions(
    client,
):
    response = walk(client, "details")
    data = {**carried(response), **STEP_ANSWERS["details"], "step": "details"}
    aged = client.post("/intake/", {**data, "age": "200"})
    assert aged.status_code == 400 and shown_step(aged) == "age"
    assert "age" in aged.context["form"].errors
    unsafe = client.post("/intake/", {**data, "safety": "skipped"})
    assert unsafe.status_code == 400 and shown_step(unsafe) == "safety"
    assert nothing_saved()


def test_optional_questions_say_so_and_required_ones_do_not():
    form = IntakeForm()
    for question in triage.QUESTIONS.values():
        if question.key in ("red_flags", "age", "duration_days"):
            continue
        optional = not question.required or question.type == "boolean"
        assert form.fields[question.key].label.endswith("(optional)") == optional, question.key
    assert not form.fields["duration_days"].label.endswith("(optional)")


def test_pain_is_asked_as_a_row_of_0_to_10_buttons_in_a_fieldset(client):
    html = walk(client, "knee").content.decode()
    scale = html[html.index('<fieldset class="pain-scale"') :]
    scale = scale[: scale.index("</fieldset>")]
    assert "<legend>Pain right now" in scale
    assert scale.count('type="radio" name="pain_now"') == 11
    found = re.findall(r"<label[^>]*>(.*?)</label>", scale)
    labels = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", label)).strip() for label in found]
    assert labels[0] == "0 No pain" and labels[10] == "10 Worst pain"
    assert labels[1:10] == [str(n) for n in range(1, 10)]
    assert "Worst pain in the last week, during or after running (optional)" in html


def test_the_phone_is_asked_for_texts_only_and_needed_only_then(client):
    response = walk(client, "details")
    assert "Needed only for text messages." in response.content.decode()
    by_email = post_step(client, response, "details", {**STEP_ANSWERS["details"], "phone": ""})
    assert by_email.status_code == 302
    response = walk(client, "details")
    answers = {**STEP_ANSWERS["details"], "channel": "sms", "consent_follow_up": ""}
    by_text = post_step(client, response, "details", answers)
    assert by_text.status_code == 400
    assert by_text.context["form"].errors["phone"] == [
        "We need your mobile number to send text messages."
    ]


@pytest.mark.parametrize("region", ["US", "GB", "DE"])
def test_the_phone_example_in_an_error_is_a_number_the_validator_accepts(client, settings, region):
    settings.DEFAULT_PHONE_REGION = region
    response = walk(client, "details")
    answers = {**STEP_ANSWERS["details"], "channel": "sms", "phone": "123"}
    message = post_step(client, response, "details", answers).context["form"].errors["phone"][0]
    example = re.search(r"e\.g\. (.+)\.$", message).group(1)
    assert phone_to_e164(example).startswith("+")


def test_the_call_back_phone_example_is_accepted_too():
    from intake.urgent import CallBackInvalid, call_back_clean

    with pytest.raises(CallBackInvalid) as caught:
        call_back_clean(name="Jo", phone="1" * 41, email="")
    example = re.search(r"e\.g\. (.+)\.$", caught.value.errors["phone"][0]).group(1)
    assert phone_to_e164(example)


def test_the_knee_diagram_is_drawn_for_the_knee_chosen_on_the_step_before(client):
    left = walk(client, "pain").content.decode()
    assert 'data-side="left"' in left and "Your left knee" in left
    right = walk(client, "pain", knee="right").content.decode()
    assert 'data-side="right"' in right and "Your right knee" in right


def test_the_left_knee_is_the_right_knee_mirrored():
    right = {a.location: a for a in knee_diagram("right").front}
    left = {a.location: a for a in knee_diagram("left").front}
    # For the right knee seen from above the outside is on the right; for the left, on the left.
    assert right["outside"].x > WIDTH / 2 > left["outside"].x
    assert right["inside"].x < WIDTH / 2 < left["inside"].x
    for location, area in right.items():
        mirror = left[location]
        assert mirror.label_x == WIDTH - area.label_x
        assert {area.anchor, mirror.anchor} == {"start", "end"}
        centre = area.x if area.is_circle else area.x + area.w / 2
        mirror_centre = mirror.x if mirror.is_circle else mirror.x + mirror.w / 2
        assert mirror_centre == WIDTH - centre


@pytest.mark.parametrize("side", ["left", "right", "both"])
def test_the_labels_sit_clear_of_the_leg_outline(side):
    # The leg's outline spans x 142-258 (intake.diagram.LEG_PATH); an "end" label runs left
    # of its x, a "start" label right of it; about 9 px a letter at 17 px must still fit.
    for area in knee_diagram(side).front:
        room = area.label_x if area.anchor == "end" else WIDTH - area.label_x
        assert room >= 9 * len(area.label), area
        if area.anchor == "end":
            assert area.label_x <= 130, area
        else:
            assert area.label_x >= 270, area
    back = knee_diagram(side).back
    assert back.label_y > 290  # under the back view's leg, which ends at y 290


def test_the_back_of_the_knee_has_its_own_view(client):
    html = walk(client, "pain").content.decode()
    back_view = html[html.index('class="knee-view knee-view--back"') :]
    back_view = back_view[: back_view.index("</figure>")]
    assert 'data-location="back"' in back_view
    front = html[html.index('class="knee-view"') : html.index('class="knee-view knee-view--back"')]
    assert 'data-location="back"' not in front


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _fill(css: str, selector: str) -> str:
    rule = re.search(re.escape(selector) + r"[^{]*\{([^}]*)\}", css).group(1)
    return re.search(r"(?<![-\w])fill:\s*(#[0-9a-fA-F]{6})", rule).group(1)


def test_a_selected_area_stands_out_at_4_5_to_1_or_more():
    css = (Path(__file__).resolve().parents[2] / "static/css/stride.css").read_text()
    selected = _fill(css, ".knee-area.is-selected rect")
    leg = _fill(css, ".knee-diagram .leg")
    rule = re.search(r"\.knee-area\.is-selected rect[^{]*\{([^}]*)\}", css).group(1)
    assert "fill-opacity" not in rule  # drawn solid, as measured
    assert _contrast(selected, leg) >= 4.5
    assert _contrast(selected, "#ffffff") >= 4.5  # the page around the picture
    assert _contrast(selected, _fill(css, ".knee-area rect")) >= 4.5  # an unselected area
    assert _contrast("#777777", "#ffffff") < 4.5  # the check can fail


def test_answer_labels_are_normal_weight_and_only_the_question_is_bold():
    css = (Path(__file__).resolve().parents[2] / "static/css/stride.css").read_text()
    assert "label:first-child" not in css  # it made the first answer of every question bold
    rule = re.search(r"\.field fieldset label \{([^}]*)\}", css).group(1)
    assert "font-weight: 400" in rule
