import pytest

from retries.models import RetryState
from retries.services import retry_request
from retries.tasks import run_retry, sweep_retries
from synchealth.celery import app

from ..factories import RecordItemFactory, SyncFactory, UserFactory
from .brokers import celery_broker

pytestmark = pytest.mark.django_db


def test_it_runs_the_retry_named_by_its_id(platform):
    sync = SyncFactory(failed=True)
    RecordItemFactory(sync=sync, unavailable=True)
    retry = retry_request(sync=sync, requested_by=UserFactory())
    run_retry.delay(retry.pk)
    retry.refresh_from_db()
    assert retry.state == RetryState.FINISHED


def test_it_ignores_a_retry_that_no_longer_exists():
    assert run_retry.delay(404).successful()


def test_it_sweeps_as_a_task():
    sync = SyncFactory(failed=True)
    RecordItemFactory(sync=sync, unavailable=True)
    retry_request(sync=sync, requested_by=UserFactory())
    with celery_broker("memory://"):
        assert sweep_retries.apply().get() == 1


def test_it_acknowledges_its_tasks_only_once_they_ran():
    assert run_retry.acks_late and sweep_retries.acks_late


def test_it_schedules_the_sweep_with_celery_beat(settings):
    (entry,) = app.conf.beat_schedule.values()
    assert (entry["task"], entry["schedule"]) == (sweep_retries.name, settings.RETRY_SWEEP_SECONDS)
