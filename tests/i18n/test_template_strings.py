"""Every word of a patient template goes through the translation machinery."""

import pytest

from tests.i18n.catalogues import NOT_YET, PATIENT_TEMPLATES, STAFF_ONLY, TEMPLATES
from tests.i18n.scanner import untranslated_words

SCANNED = [name for name in PATIENT_TEMPLATES if name not in STAFF_ONLY]


@pytest.mark.parametrize("name", SCANNED)
def test_a_patient_template_has_no_word_outside_translate_tags(name):
    assert untranslated_words((TEMPLATES / name).read_text()) == []


def test_the_lists_name_real_templates_and_do_not_overlap():
    for name in [*PATIENT_TEMPLATES, *STAFF_ONLY, *NOT_YET]:
        assert (TEMPLATES / name).exists(), name
    assert not set(SCANNED) & NOT_YET
    assert "sms/urgent_escalation.txt" in STAFF_ONLY


def test_the_scanner_finds_text_nodes_and_attributes_and_skips_translated_ones():
    source = (
        '{% load i18n %}<p title="Hover text">Hello {{ name }}</p>'
        "{% translate 'Fine' %}{% blocktranslate %}Also {{ fine }}{% endblocktranslate %}"
        "{% comment %}Not shown{% endcomment %}<p>&nbsp;· 10 –</p>"
    )
    assert untranslated_words(source) == ["Hello", "Hover", "text"]
