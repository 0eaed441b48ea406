"""The production shape: compose services point at real code, production settings are safe."""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GOOD_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "stride.clinic.example",
    "DEBUG": "false",
    "SITE_URL": "https://stride.clinic.example",
    "EMAIL_URL": "smtp+tls://stride:secret@mail.clinic.example:587",
    "SMS_BACKEND": "clinic.messaging.sms.TwilioSmsBackend",
}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    unsafe = (
        *("DJANGO_ENV", "DEBUG", "SECRET_KEY", "SITE_URL", "EMAIL_URL", "SMS_BACKEND"),
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # the e2e tests set it
    )
    base = {k: v for k, v in os.environ.items() if k not in unsafe}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_compose_has_the_production_services_with_health_checks():
    services = _compose()["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "worker", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert "postgres:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert services["web"]["environment"]["DJANGO_ENV"] == "production"


def test_every_compose_command_points_at_real_modules():
    services = _compose()["services"]
    web = services["web"]["command"]
    assert web[0] == "gunicorn"
    module, attribute = web[1].split(":")
    assert hasattr(importlib.import_module(module), attribute)
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:3] == ["celery", "-A", "clinic"]
        assert command[3] == name
        assert importlib.import_module("clinic.celery").app.main == "clinic"
    migrate = services["migrate"]["command"]
    assert migrate[:2] == ["python", "manage.py"]
    from django.core.management import get_commands

    assert migrate[2] in get_commands()


def test_the_image_installs_what_weasyprint_needs():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in dockerfile
    # The image runs the service only: the hashed base pins, never the dev tools.
    assert "pip install --require-hashes -r requirements/base.txt" in dockerfile
    assert "requirements/dev.txt" not in dockerfile


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
        ({"STRIDE_BENCH_ENDPOINTS": "true"}, "STRIDE_BENCH_ENDPOINTS is on"),
        ({"EMAIL_URL": "consolemail://"}, "EMAIL_URL sends email to the console"),
        ({"EMAIL_URL": ""}, "EMAIL_URL sends email to the console"),
        ({"SMS_BACKEND": "clinic.messaging.sms.ConsoleSmsBackend"}, "SMS_BACKEND is"),
        ({"SMS_BACKEND": ""}, "SMS_BACKEND is"),
        ({"SITE_URL": "http://stride.clinic.example"}, "SITE_URL is not https://"),
        ({"SITE_URL": ""}, "SITE_URL is not https://"),
        ({"SECRET_KEY": "ab" * 40}, "SECRET_KEY has too little entropy"),
        ({"SECRET_KEY": "password-password-password-password-password-2026!!"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_with_an_insecure_setting(override, problem):
    env = {**GOOD_ENV, **override}
    for name, value in override.items():
        if value == "":  # unset: the development default must not pass in production
            env.pop(name)
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert problem in result.stderr


def test_check_deploy_is_clean_in_production():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], GOOD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_never_reads_an_env_file():
    """Secrets come from the process environment only: a stray .env baked into an image or
    left in /app must not configure production (issue 13, finding 3)."""
    script = (
        "import environ\n"
        "calls = []\n"
        "environ.Env.read_env = classmethod(lambda cls, *a, **k: calls.append(a))\n"
        "import clinic.settings\n"
        "print('read_env calls:', len(calls))\n"
    )
    result = _run(["-c", script], GOOD_ENV)
    assert result.returncode == 0, result.stderr
    assert "read_env calls: 0" in result.stdout
    development = _run(["-c", script], {"DJANGO_ENV": "development"})
    assert "read_env calls: 1" in development.stdout, development.stderr


def test_env_files_never_enter_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for pattern in (".env", "*.env", ".env.*"):
        assert pattern in ignored


def test_the_image_build_passes_the_production_refusals():
    """collectstatic runs under DJANGO_ENV=production while the image is built."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    step = next(line for line in dockerfile.splitlines() if "manage.py collectstatic" in line)
    env = dict(re.findall(r"([A-Z_]+)=(\S+)", step.split("python manage.py")[0]))
    result = _run(["manage.py", "check"], {"DJANGO_ENV": "production", **env})
    assert result.returncode == 0, result.stderr


def test_compose_publishes_gunicorn_to_the_proxy_only():
    """Only the TLS proxy may reach gunicorn: loopback on the host, or no port at all."""
    web = _compose()["services"]["web"]
    for port in web.get("ports", []):
        published = port if isinstance(port, str) else f"{port['host_ip']}:{port['published']}"
        assert published.startswith("127.0.0.1:"), port
    bind = web["command"][web["command"].index("--bind") + 1]
    assert bind.endswith(":8000")
    for name, service in _compose()["services"].items():
        if name != "web":
            assert "ports" not in service, name


def test_the_compose_healthcheck_reaches_a_health_url_that_answers_in_production(tmp_path):
    test = _compose()["services"]["web"]["healthcheck"]["test"]
    url = re.search(r"https?://[^'\" ]+", " ".join(test)).group(0)
    assert url == "http://127.0.0.1:8000/healthz"
    # Inside the container: plain HTTP, Host 127.0.0.1 (not in ALLOWED_HOSTS), no proxy
    # header. Production settings must still answer 200 there, not 400 or a 301 to https.
    script = (
        "import django;django.setup()\n"
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='127.0.0.1:8000').get('/healthz')\n"
        "print('health', r.status_code, r.content.decode())\n"
        "r = Client(HTTP_HOST='127.0.0.1:8000').get('/intake/')\n"
        "print('other', r.status_code)\n"
    )
    database = f"sqlite:///{tmp_path / 'health.sqlite3'}"  # SELECT 1 needs no tables
    env = {**GOOD_ENV, "DJANGO_SETTINGS_MODULE": "clinic.settings", "DATABASE_URL": database}
    result = _run(["-c", script], env)
    assert "health 200" in result.stdout, result.stdout + result.stderr
    # Everything else still gets the host check.
    assert "other 400" in result.stdout, result.stdout
