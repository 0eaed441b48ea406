"""The README is complete in a clone: it points at nothing outside the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)]+)\)")
PATH = re.compile(r"`([^`\s]*\.(?:md|py|txt|toml|yml))`")


def _targets(text: str) -> list[str]:
    return LINK.findall(text) + PATH.findall(text)


def test_every_path_the_readme_names_is_inside_the_repository():
    text = (ROOT / "README.md").read_text()
    targets = [t for t in _targets(text) if not t.startswith(("http://127.0.0.1", "#"))]
    assert targets
    for target in targets:
        assert "://" not in target, target
        assert (ROOT / target).resolve().is_relative_to(ROOT), target


def test_the_check_catches_a_path_outside_the_repository():
    assert _targets("see `../shared/clinical/knee-triage.md` and [x](../y.md)") == [
        "../y.md",
        "../shared/clinical/knee-triage.md",
    ]
    assert not (ROOT / "../shared/clinical/knee-triage.md").resolve().is_relative_to(ROOT)
