"""A real Redis broker, real Celery worker processes and the sandbox platform over HTTP."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from sandbox.platform import Faults, Platform
from sandbox.server import serving

ROOT = Path(__file__).resolve().parent.parent.parent
# Short, so a test sees a dead worker's claims run out within seconds.
LEASE_SECONDS = 2

needs_broker_and_postgresql = [
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs REDIS_URL: a real Redis broker for real workers"
    ),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: worker processes cannot share an in-memory SQLite database",
    ),
]


@pytest.fixture
def sandbox():
    with serving(Platform(Faults(latency_ms=40), seed=5)) as server:
        yield server


@pytest.fixture
def lease(settings) -> int:
    settings.RETRY_LEASE_SECONDS = LEASE_SECONDS
    return LEASE_SECONDS


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def start_worker(sandbox, lease, tmp_path) -> Callable[[], subprocess.Popen]:
    """Starts `celery worker` processes on the test database; all are killed at the end."""
    workers: list[subprocess.Popen] = []
    environ = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PLATFORM_API_URL": sandbox.url,
        "RETRY_LEASE_SECONDS": str(lease),
        "RETRY_CONCURRENCY": "4",
        "RETRY_BACKOFF_SECONDS": "0.05",
        "RETRY_BACKOFF_MAX_SECONDS": "0.2",
    }

    def start() -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(workers) + 1}.log").open("w")
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "synchealth",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--hostname",
                f"{uuid.uuid4()}@test",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so killing it kills its pool processes too.
            start_new_session=True,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        kill(worker)


def kill(worker: subprocess.Popen) -> None:
    """SIGKILL: no clean shutdown, no chance to acknowledge or record anything."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout}s waiting for {what}")
        time.sleep(0.05)
