"""`make run`: HOST and PORT from the environment, and start-up lines in plain words."""

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_local():
    spec = importlib.util.spec_from_file_location("run_local", ROOT / "scripts" / "run_local.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_run_serves_on_127_0_0_1_port_8000_by_default(monkeypatch):
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert run_local().address() == ("127.0.0.1", 8000)


def test_make_run_takes_port_and_host(monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8001")
    assert run_local().address() == ("0.0.0.0", 8001)


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_a_port_that_is_not_a_port_is_refused_in_words(monkeypatch, port):
    monkeypatch.setenv("PORT", port)
    with pytest.raises(SystemExit, match="PORT must be a number"):
        run_local().address()


def test_the_start_up_lines_say_where_to_go_and_how_to_sign_in():
    text = run_local().welcome("http://127.0.0.1:8001", "staff", "stride-demo-staff")
    assert "open http://127.0.0.1:8001/ to fill in the knee-pain form" in text
    assert "open http://127.0.0.1:8001/staff/ and sign in as 'staff'" in text
    assert "'stride-demo-staff'" in text
    assert "http://127.0.0.1:8001/api/docs/" in text
    assert "send_due_followups --now" in text


def test_the_makefile_passes_port_and_host_to_make_run():
    makefile = (ROOT / "Makefile").read_text()
    assert "PORT ?= 8000" in makefile
    assert "HOST=$(HOST) PORT=$(PORT) $(PY) scripts/run_local.py" in makefile


def test_the_readme_names_the_follow_up_command_the_demo_delay_and_the_api_docs():
    readme = (ROOT / "README.md").read_text()
    assert "send_due_followups --now" in readme
    assert "FOLLOW_UP_DELAY_MINUTES=2" in readme
    assert "/api/docs/" in readme
    assert "make run PORT=8001" in readme


def test_the_demo_clinic_runs_in_us_conventions_unless_told_otherwise(monkeypatch):
    # A private environment: what run_local sets must not reach later tests' subprocesses.
    monkeypatch.setattr(os, "environ", {"PATH": os.environ.get("PATH", "")})
    run_local()._environment_for("127.0.0.1", 8000)
    assert os.environ["CLINIC_LOCALE"] == "en-US"
    os.environ["CLINIC_LOCALE"] = "en-GB"
    run_local()._environment_for("127.0.0.1", 8000)
    assert os.environ["CLINIC_LOCALE"] == "en-GB"
