"""`manage.py run_sandbox`, as `make run` and the benchmark start it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def started():
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_sandbox", "--bind", "127.0.0.1:0", "--api-key", "k"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "true"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def test_it_serves_the_write_api_at_the_address_it_prints(started):
    url = started.stdout.readline().rsplit(" ", 1)[1].strip()
    response = requests.get(url + "_sandbox/stats", timeout=5)
    assert (response.status_code, response.json()["writes"]) == (200, 0)


def test_it_names_a_malformed_address():
    result = subprocess.run(
        [sys.executable, "manage.py", "run_sandbox", "--bind", "8001"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "true"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "--bind must look like 127.0.0.1:8001" in result.stderr
