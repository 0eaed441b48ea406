"""The Spanish says each clinical thing with one word: the glossary of docs/languages.md."""

import re

import pytest

from intake.triage import rules
from intake.triage.translations import text_in
from tests.i18n.catalogues import ALL_CATALOGUES, PLACEHOLDER, ROOT, catalogue


def glossary() -> list[tuple[str, list[str]]]:
    text = (ROOT / "docs/languages.md").read_text()
    section = text.split("## Glossary", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", section, re.MULTILINE)
    return [(en, [s.strip() for s in es.split(" / ")]) for en, es in rows if en != "English"]


def entries() -> list[tuple[str, str]]:
    return [(e.msgid, e.msgstr) for path in ALL_CATALOGUES for e in catalogue(path)]


def test_the_glossary_names_every_pattern_as_the_rules_catalogue_translates_it():
    terms = dict(glossary())
    for pattern in rules.PATTERNS.values():
        assert terms[pattern.name] == [text_in(pattern.name, language="es")]


@pytest.mark.parametrize("term,spanish", glossary())
def test_every_text_using_a_glossary_term_uses_its_spanish(term, spanish):
    wrong = [
        (english, translated)
        for english, translated in entries()
        if term.lower() in PLACEHOLDER.sub("", english).lower()
        and not any(s.lower() in translated.lower() for s in spanish)
    ]
    assert wrong == []
