"""Development without a broker: a retry runs on a background thread, not inside the click."""

import pytest

from retries.models import RetryState
from retries.services import retry_request
from sandbox.platform import Faults
from synchealth.celery import wait_for_background_tasks

from ..factories import RecordItemFactory, SyncFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_background(settings):
    settings.TASKS_IN_BACKGROUND = True
    yield
    wait_for_background_tasks()


def _failed_sync():
    sync = SyncFactory(failed=True)
    RecordItemFactory.create_batch(3, sync=sync, unavailable=True)
    return sync


def test_it_answers_before_the_retry_has_run(platform, in_background):
    platform.configure(Faults(latency_ms=300))
    retry = retry_request(sync=_failed_sync(), requested_by=UserFactory())
    retry.refresh_from_db()
    assert retry.state != RetryState.FINISHED


def test_it_finishes_the_retry_on_the_background_thread(platform, in_background):
    retry = retry_request(sync=_failed_sync(), requested_by=UserFactory())
    wait_for_background_tasks()
    retry.refresh_from_db()
    assert (
        retry.state == RetryState.FINISHED
        and retry.sync.push_items.filter(status="Success").count() == 3
    )


def test_it_runs_the_retry_inside_the_request_by_default(platform):
    retry = retry_request(sync=_failed_sync(), requested_by=UserFactory())
    retry.refresh_from_db()
    assert retry.state == RetryState.FINISHED


def test_it_records_the_hand_over_before_the_task_can_start(platform):
    # A task on a background thread or a worker may start at once: anything the request
    # writes to the retry after handing it over races the task's own writes.
    retry = retry_request(sync=_failed_sync(), requested_by=UserFactory())
    retry.refresh_from_db()
    assert retry.enqueued_at <= retry.started_at
