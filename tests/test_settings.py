"""Settings come from the environment; each case starts a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_HTTPS": "true",
    "DJANGO_SECRET_KEY": "k3y-" + "f9a8b7c6d5e4" * 5,
    "DJANGO_ALLOWED_HOSTS": "synchealth.example.com",
}
PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG, 'tz': s.TIME_ZONE}))"
)


def _run(args: list[str], **overrides: str) -> subprocess.CompletedProcess:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "TIME_ZONE"))
    }
    environ.update({"DJANGO_SETTINGS_MODULE": "synchealth.settings", **overrides})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True
    )


def _settings(**overrides: str) -> dict:
    import json

    result = _run(["-c", PRINT], **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_defaults_to_a_sqlite_file_in_the_project():
    found = _settings(DJANGO_DEBUG="true")
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(ROOT / "db.sqlite3")


def test_it_runs_tasks_in_process_without_a_broker():
    found = _settings(DJANGO_DEBUG="true")
    assert (found["eager"], found["broker"]) == (True, "memory://")


def test_it_uses_redis_as_the_broker_when_given():
    found = _settings(DJANGO_DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/3")
    assert (found["eager"], found["broker"]) == (False, "redis://127.0.0.1:6379/3")


def test_it_uses_postgresql_from_database_url():
    found = _settings(DJANGO_DEBUG="true", DATABASE_URL="postgres://u@db.internal:5432/sh")
    assert (found["engine"], found["name"]) == ("django.db.backends.postgresql", "sh")


def test_it_adds_jit_off_to_the_options_a_database_url_gives():
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.DATABASES['default']['OPTIONS']['options'])"
    url = "postgres://u@db.internal:5432/sh?options=-c%20search_path%3Dsh"
    result = _run(["-c", code], DJANGO_DEBUG="true", DATABASE_URL=url)
    assert result.stdout.strip() == "-c search_path=sh -c jit=off", result.stderr


@pytest.mark.django_db
def test_it_keeps_postgresql_from_compiling_plans_to_machine_code():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting; the PostgreSQL test run covers it")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_it_is_not_in_debug_mode_by_default():
    assert _settings(DJANGO_SECRET_KEY="x" * 60)["debug"] is False


def test_it_refuses_to_start_without_a_secret_key_outside_debug():
    result = _run(["-c", PRINT])
    assert result.returncode != 0 and '"DJANGO_SECRET_KEY" is required' in result.stderr


def test_it_names_a_malformed_boolean():
    result = _run(["-c", PRINT], DJANGO_DEBUG="maybe")
    assert result.returncode != 0 and 'Environment variable "DJANGO_DEBUG" invalid' in result.stderr


def test_it_names_a_malformed_database_url():
    result = _run(["-c", PRINT], DJANGO_DEBUG="true", DATABASE_URL="nonsense://x")
    assert result.returncode != 0 and '"DATABASE_URL" invalid' in result.stderr


def test_it_names_an_unknown_time_zone():
    result = _run(["-c", PRINT], DJANGO_DEBUG="true", TIME_ZONE="Mars/Olympus_Mons")
    assert result.returncode != 0 and '"TIME_ZONE" invalid' in result.stderr


def test_it_names_a_malformed_redis_url():
    result = _run(["-c", PRINT], DJANGO_DEBUG="true", REDIS_URL="localhost:6379")
    assert result.returncode != 0 and '"REDIS_URL" invalid' in result.stderr


def test_it_accepts_an_iana_time_zone():
    assert _settings(DJANGO_DEBUG="true", TIME_ZONE="Europe/London")["tz"] == "Europe/London"


def test_it_passes_the_deployment_checks_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
