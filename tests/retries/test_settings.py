"""The retry and platform settings come from the environment; each case starts a fresh Python."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'url': s.PLATFORM_API_URL, 'concurrency': s.RETRY_CONCURRENCY}))"
)


def _run(**overrides: str) -> subprocess.CompletedProcess:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "PLATFORM_", "RETRY_"))
    }
    environ.update({"DJANGO_SETTINGS_MODULE": "synchealth.settings", "DJANGO_DEBUG": "true"})
    environ.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=environ, capture_output=True, text=True
    )


def test_it_writes_to_the_local_sandbox_in_development():
    result = _run()
    assert json.loads(result.stdout)["url"] == "http://127.0.0.1:8001/"


def test_it_has_no_platform_outside_development_unless_told():
    result = _run(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="k" * 50)
    assert json.loads(result.stdout)["url"] == ""


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RETRY_CONCURRENCY", "0"),
        ("RETRY_CONCURRENCY", "many"),
        ("RETRY_LEASE_SECONDS", "-5"),
        ("PLATFORM_READ_TIMEOUT", "soon"),
        ("PLATFORM_API_URL", "ftp://platform.example.com/"),
    ],
)
def test_it_names_a_malformed_retry_or_platform_setting(name, value):
    result = _run(**{name: value})
    assert result.returncode != 0 and f'Environment variable "{name}" invalid' in result.stderr
