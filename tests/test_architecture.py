"""Imports run one way (clinic <- intake <- referrals <- dashboard) and no app has a cycle.

The contracts live in pyproject.toml (`[tool.importlinter]`); tests/support/architecture.py
runs them, allowing a function-level import between a tasks module and its services module.
The synthetic trees below prove that the same contracts fail on a violation.
"""

import shutil
from pathlib import Path

import pytest

from tests.support import architecture, long_functions

ROOT = Path(__file__).resolve().parents[1]


def test_the_code_keeps_the_layers_and_has_no_import_cycle(tmp_path):
    result = architecture.check(ROOT, tmp_path)
    assert result.ok, result.report


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """The five packages, empty but for `files`, with the project's own contracts."""
    root = tmp_path / "project"
    for package in ("clinic", "intake", "referrals", "dashboard", "fhir_api"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def _check(tmp_path: Path, files: dict[str, str]) -> architecture.Result:
    return architecture.check(_tree(tmp_path, files), tmp_path)


def test_imports_down_the_layers_pass(tmp_path):
    result = _check(
        tmp_path,
        {
            "clinic/errors.py": "",
            "intake/models.py": "import clinic.errors\n",
            "referrals/models.py": "import intake.models\nimport clinic.errors\n",
            "dashboard/views.py": "import referrals.models\nimport intake.models\n",
            # The project's wiring may name every app.
            "clinic/urls.py": "import dashboard.views\n",
        },
    )
    assert result.ok, result.report


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("clinic/messaging/services.py", "intake.models"),
        ("intake/services.py", "referrals.models"),
        ("intake/views.py", "dashboard.access"),
        ("referrals/services.py", "dashboard.models"),
        ("dashboard/views.py", "fhir_api.selectors"),
        ("intake/models.py", "fhir_api.mappings"),
    ],
)
def test_an_import_up_the_layers_fails(tmp_path, importer, imported):
    package = imported.rpartition(".")[0]
    result = _check(
        tmp_path,
        {
            f"{package}/{imported.rpartition('.')[2]}.py": "",
            "clinic/messaging/__init__.py": "",
            importer: f"import {imported}\n",
        },
    )
    assert not result.ok
    assert "Imports run one way" in result.report
    assert imported in result.report


def test_an_import_up_the_layers_inside_a_function_fails_too(tmp_path):
    result = _check(
        tmp_path,
        {
            "referrals/models.py": "",
            "intake/follow_ups.py": "def f():\n    from referrals import models\n",
        },
    )
    assert not result.ok
    assert "intake.follow_ups -> referrals.models" in result.report


def test_a_cycle_inside_an_app_fails(tmp_path):
    result = _check(
        tmp_path,
        {
            "intake/advice.py": "import intake.selectors\n",
            "intake/selectors.py": "import intake.services\n",
            "intake/services.py": "def f():\n    import intake.advice\n",
        },
    )
    assert not result.ok
    assert "No cycles are allowed in intake." in result.report


def test_a_lazy_import_between_a_task_and_its_service_is_allowed(tmp_path):
    result = _check(
        tmp_path,
        {
            "intake/tasks.py": "def run():\n    from intake import services\n",
            "intake/services.py": "from intake import tasks\n",
        },
    )
    assert result.ok, result.report


def test_a_task_and_its_service_importing_each_other_at_the_top_fail(tmp_path):
    result = _check(
        tmp_path,
        {
            "intake/tasks.py": "from intake import services\n",
            "intake/services.py": "from intake import tasks\n\ndef f():\n    import intake.tasks\n",
        },
    )
    assert not result.ok
    assert "No cycles are allowed in intake." in result.report


def test_a_lazy_import_between_other_modules_still_makes_a_cycle(tmp_path):
    result = _check(
        tmp_path,
        {
            "intake/links.py": "def run():\n    from intake import advice\n",
            "intake/advice.py": "from intake import links\n",
        },
    )
    assert not result.ok


def test_a_task_may_import_the_service_module_it_calls_lazily_whatever_its_name(tmp_path):
    result = _check(
        tmp_path,
        {
            "intake/tasks.py": "def run():\n    from intake import advice\n",
            "intake/advice.py": "from intake import tasks\n",
        },
    )
    assert result.ok, result.report


def test_a_task_importing_a_service_module_eagerly_still_makes_a_cycle(tmp_path):
    result = _check(
        tmp_path,
        {
            "intake/tasks.py": "from intake import advice\n",
            "intake/advice.py": "from intake import tasks\n",
        },
    )
    assert not result.ok
    assert "No cycles are allowed in intake." in result.report


def test_migrations_are_left_out(tmp_path):
    result = _check(
        tmp_path,
        {
            "clinic/messaging/__init__.py": "",
            "clinic/messaging/migrations/__init__.py": "",
            "clinic/messaging/migrations/0002_opt_outs.py": "import intake.models\n",
            "intake/models.py": "",
        },
    )
    assert result.ok, result.report


def test_lazy_task_service_imports_are_found_by_where_they_sit(tmp_path):
    root = _tree(
        tmp_path,
        {
            "intake/tasks.py": "def run():\n    from intake import services\n",
            "intake/services.py": "from . import tasks\n",
            "referrals/tasks.py": "import referrals.services\n",
            "referrals/services.py": "def f():\n    from referrals.tasks import g\n",
        },
    )
    found = architecture.lazy_task_service_imports(root, ["intake", "referrals"])
    assert found == ["intake.tasks -> intake.services", "referrals.services -> referrals.tasks"]


# --- Long functions -------------------------------------------------------------------------


def test_every_long_function_is_split_or_says_why():
    assert long_functions.unexplained(ROOT) == []


def test_a_long_function_without_a_reason_is_reported_and_one_with_a_reason_is_not(tmp_path):
    body = "".join(f"    x{n} = {n}\n" for n in range(long_functions.MAX_LINES + 1))
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "long.py").write_text(
        f'def plain():\n    """Docstrings do not count."""\n{body}\n\n'
        f"# Long on purpose: a table of steps.\n@staticmethod\ndef explained():\n{body}"
    )
    (tmp_path / "app" / "short.py").write_text("def short():\n    return 1\n")
    assert long_functions.unexplained(tmp_path) == [
        f"app/long.py:1 plain ({long_functions.MAX_LINES + 1} lines)"
    ]
