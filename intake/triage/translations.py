"""The clinical texts in a patient's language: one gettext catalogue per rules version.

A translation belongs to a rules version as its English does: the English text in rules.py
(or history.py) is the msgid of `locale/<language>/LC_MESSAGES/rules-<version>.po`, compiled
to `.mo` beside it (`make compilemessages`). Pure, like the rest of triage: Python's own
`gettext`, no Django; the explain layer says which language. A text with no translation, or
a version or language without a catalogue, stays in English: nothing is ever left blank.
"""

import gettext
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Final

from intake.triage import rules

LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE: Final = "en"


def catalogue_domain(version: str = rules.RULES_VERSION) -> str:
    """The gettext domain of one rules version's texts: "rules-2026.12.1"."""
    return f"rules-{version}"


@lru_cache(maxsize=32)
def _catalogue(language: str, version: str) -> gettext.NullTranslations:
    return gettext.translation(
        catalogue_domain(version), localedir=LOCALE_DIR, languages=[language], fallback=True
    )


def text_in(text: str, *, language: str, version: str = rules.RULES_VERSION) -> str:
    """`text` (an English clinical text of `version`) in `language`, or as it is."""
    if not text or language == SOURCE_LANGUAGE:
        return text
    return _catalogue(language, version).gettext(text)


def catalogue_reset() -> None:
    """Forget the loaded catalogues (after `make compilemessages` in a running shell)."""
    _catalogue.cache_clear()


def clinical_texts(version: str = rules.RULES_VERSION) -> Iterator[tuple[str, str]]:
    """(where it is used, English text) for every text of the current rules a patient or
    clinician can read; the catalogue's source and the completeness test's list."""
    if version != rules.RULES_VERSION:
        yield from _earlier_texts(version)
        return
    for key, flag in rules.RED_FLAGS.items():
        yield f"red flag {key}: question", flag.question
        yield f"red flag {key}: statement", flag.statement
    for route, text in rules.ROUTE_TEXTS.items():
        yield f"care route {route}", text
    yield "breathlessness", rules.BREATHLESSNESS_TEXT
    yield "under 12", rules.UNDER_12_MESSAGE
    yield from _question_texts()
    for sign, text in rules.SIGNS.items():
        yield f"sign {sign}", text
    for pattern_id, pattern in rules.PATTERNS.items():
        yield f"pattern {pattern_id}: name", pattern.name
        yield f"pattern {pattern_id}: what it is", pattern.what_it_is
    for reason, found in rules.ASSESSMENT_REASONS.items():
        yield f"assessment reason {reason}", found.text
    for advice_id, text in rules.ADVICE.items():
        yield f"advice {advice_id}", text
    for factor_id, factor in rules.FACTORS.items():
        yield f"factor {factor_id}", factor.label
    yield "disclaimer", rules.DISCLAIMER
    for term, plain in rules.PLAIN_WORDS:
        yield "plain words: term", term
        yield f"plain words: {term}", plain


def _question_texts() -> Iterator[tuple[str, str]]:
    for key, question in rules.QUESTIONS.items():
        yield f"question {key}", question.text
        if question.help:
            yield f"question {key}: help", question.help
        if key == "red_flags":
            continue  # its choices are the red flags' questions, listed above
        for value, label in question.choices:
            yield f"question {key}: choice {value}", label


def _earlier_texts(version: str) -> Iterator[tuple[str, str]]:
    for advice_id, text in rules.ADVICE_BY_VERSION[version].items():
        yield f"advice {advice_id}", text
    for factor_id, label in rules.FACTOR_LABELS_BY_VERSION[version].items():
        yield f"factor {factor_id}", label
