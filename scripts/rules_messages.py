"""Write the clinical texts' catalogues: one `.po` per rules version and language.

`make messages` runs it after Django's makemessages. The English of every clinical text
(intake.triage.translations.clinical_texts) is a msgid of
intake/triage/locale/<language>/LC_MESSAGES/rules-<version>.po; translations already there
are kept, new texts come in untranslated (the catalogue test then fails until they are
translated), and texts no longer in the rules are dropped. `make compilemessages` compiles.
"""

import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake.triage import rules
from intake.triage.translations import LOCALE_DIR, catalogue_domain, clinical_texts

LANGUAGES = ("es",)  # settings.LANGUAGES without English, the source language


def catalogue_write(language: str, version: str) -> Path:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{catalogue_domain(version)}.po"
    old = polib.pofile(str(path)) if path.exists() else None
    known = {entry.msgid: entry for entry in old} if old else {}
    po = polib.POFile(wrapwidth=100)
    po.metadata = {
        "Project-Id-Version": f"Stride clinical rules {version}",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    where: dict[str, list[str]] = {}
    for usage, text in clinical_texts(version):
        where.setdefault(text, []).append(usage)
    for text, usages in where.items():
        before = known.get(text)
        po.append(
            polib.POEntry(
                msgid=text,
                msgstr=before.msgstr if before else "",
                comment="; ".join(usages),
                flags=list(before.flags) if before else [],
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def main() -> None:
    for version in rules.ADVICE_BY_VERSION:
        for language in LANGUAGES:
            print(catalogue_write(language, version))


if __name__ == "__main__":
    main()
