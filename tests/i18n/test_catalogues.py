"""The catalogues are complete, compiled and faithful to the English they translate."""

import polib
import pytest

from intake.triage import rules
from intake.triage.translations import LOCALE_DIR, catalogue_domain, clinical_texts
from tests.i18n.catalogues import ALL_CATALOGUES, DJANGO_CATALOGUES, catalogue, placeholders

NAMES = [path.relative_to(path.parents[3]).as_posix() for path in ALL_CATALOGUES]


def test_there_is_a_spanish_catalogue_for_pages_and_for_each_rules_version():
    # en_GB holds only British English overrides of Django's own strings ("am"/"pm").
    assert [p.parts[-3] for p in DJANGO_CATALOGUES] == ["en_GB", "es"]
    for version in rules.ADVICE_BY_VERSION:
        assert (LOCALE_DIR / "es" / "LC_MESSAGES" / f"{catalogue_domain(version)}.po").exists()


@pytest.mark.parametrize("path", ALL_CATALOGUES, ids=NAMES)
def test_no_entry_is_untranslated_or_fuzzy(path):
    po = catalogue(path)
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po if e.obsolete] == []


@pytest.mark.parametrize("path", ALL_CATALOGUES, ids=NAMES)
def test_the_committed_mo_file_matches_its_po_file(path):
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run make compilemessages"
    translated = {(e.msgctxt, e.msgid): e.msgstr for e in catalogue(path).translated_entries()}
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path)) if e.msgid}
    assert compiled == translated, f"{mo_path} is stale: run make compilemessages"


@pytest.mark.parametrize("path", ALL_CATALOGUES, ids=NAMES)
def test_every_translation_keeps_the_placeholders_of_its_english(path):
    differ = [
        (e.msgid, e.msgstr)
        for e in catalogue(path)
        if e.msgstr and placeholders(e.msgid) != placeholders(e.msgstr)
    ]
    assert differ == []


@pytest.mark.parametrize("version", list(rules.ADVICE_BY_VERSION))
def test_each_rules_catalogue_holds_exactly_its_versions_clinical_texts(version):
    path = LOCALE_DIR / "es" / "LC_MESSAGES" / f"{catalogue_domain(version)}.po"
    in_catalogue = {e.msgid for e in catalogue(path)}
    assert in_catalogue == {text for _, text in clinical_texts(version)}


def test_a_changed_clinical_text_falls_back_to_english_rather_than_a_stale_translation():
    from intake.triage.translations import text_in

    assert text_in("A text the rules never had.", language="es") == "A text the rules never had."
    assert text_in(rules.DISCLAIMER, language="es").startswith("Esto no es un diagnóstico.")
    assert text_in(rules.DISCLAIMER, language="en") == rules.DISCLAIMER
