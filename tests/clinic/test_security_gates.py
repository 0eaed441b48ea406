"""Security gates that run in CI: bandit finds nothing of medium or high severity."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _project_packages() -> list[str]:
    """Every top-level package of ours (new apps are scanned without editing this test)."""
    skip = {"tests", ".venv", "var", "node_modules"}
    return [
        *sorted(
            p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in skip
        ),
        "scripts",
        "manage.py",
    ]


def test_bandit_finds_no_medium_or_high_issue():
    targets = _project_packages()
    assert {"clinic", "intake", "referrals"} <= set(targets)
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "-ll", "-f", "txt", *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
