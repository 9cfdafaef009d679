import pytest
from django.test import Client

from sandbox.platform import Platform
from sandbox.server import serving
from synchealth.celery import app

from ..factories import RetrierFactory
from .brokers import celery_broker


@pytest.fixture(autouse=True)
def _tasks_in_process():
    # Whatever broker the suite runs with, these tests run tasks in-process; the real broker
    # and worker are exercised in tests/integration.
    with celery_broker(app.conf.broker_url, eager=True):
        yield


@pytest.fixture
def sandbox():
    with serving(Platform(seed=7)) as server:
        yield server


@pytest.fixture
def platform(sandbox, settings) -> Platform:
    """The sandbox as the configured accounting platform, with backoff short enough for tests."""
    settings.PLATFORM_API_URL = sandbox.url
    settings.PLATFORM_READ_TIMEOUT = 1.0
    settings.RETRY_CONCURRENCY = 8
    settings.RETRY_MAX_ATTEMPTS = 3
    settings.RETRY_BACKOFF_SECONDS = 0.01
    settings.RETRY_BACKOFF_MAX_SECONDS = 0.05
    return sandbox.platform


@pytest.fixture
def retrier():
    return RetrierFactory()


@pytest.fixture
def retrier_client(retrier) -> Client:
    client = Client()
    client.force_login(retrier)
    return client
