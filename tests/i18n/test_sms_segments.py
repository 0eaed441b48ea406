"""Each patient SMS measured in both languages, against the table in docs/languages.md."""

import re
from pathlib import Path

from django.conf import settings

from clinic.messaging.rendering import message_render
from tests.i18n.catalogues import ROOT, STAFF_ONLY, TEMPLATES
from tests.i18n.sms import encoding, segments
from tests.i18n.sms_samples import context

PATIENT_SMS = sorted(
    p.stem for p in (TEMPLATES / "sms").glob("*.txt") if f"sms/{p.name}" not in STAFF_ONLY
)


def measured(template: str, language: str) -> str:
    text = message_render(
        channel="sms",
        template=template,
        context=context(template, language),
        opt_out_link=False,
        language=language,
    )[1]
    return f"{encoding(text)}, {segments(text)}"


def documented() -> dict[str, tuple[str, str]]:
    section = Path(ROOT / "docs/languages.md").read_text().split("## SMS length", 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|$", section, re.MULTILINE)
    return {name: (en.strip(), es.strip()) for name, en, es in rows}


def test_the_docs_state_each_sms_templates_encoding_and_segments_as_measured():
    assert settings.CLINIC_NAME == "Stride Sports Medicine Clinic"  # the measured name
    found = {t: (measured(t, "en"), measured(t, "es")) for t in PATIENT_SMS}
    assert found == documented()


def test_a_one_segment_english_text_without_clinical_words_stays_one_segment_in_spanish():
    for template in ("contact_verify", "sms_opt_in_confirm", "sms_opt_out_confirm"):
        assert measured(template, "en") == "GSM-7, 1"
        assert measured(template, "es") == "GSM-7, 1"


def test_the_counter_knows_gsm_7_from_ucs_2():
    assert (encoding("¿Cómo está?"), encoding("¡Señal! é ñ ¿")) == ("UCS-2", "GSM-7")
    assert (segments("a" * 160), segments("a" * 161), segments("ó" * 70), segments("ó" * 71)) == (
        1,
        2,
        1,
        2,
    )
