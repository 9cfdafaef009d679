"""Retries through Redis and real `celery worker` processes writing to the sandbox over HTTP."""

import time

import pytest
from django.core.management import call_command

from pushitems.models import PushStatus
from retries.models import Retry, RetryState
from retries.services import retry_request
from syncs import status as codes

from ..factories import RecordItemFactory, SyncFactory, UserFactory
from ..retries.brokers import DOWN, celery_broker
from .conftest import kill, needs_broker_and_postgresql, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), *needs_broker_and_postgresql]

VALID, INVALID = 150, 10


def _finished(retry: Retry) -> bool:
    retry.refresh_from_db()
    return retry.state == RetryState.FINISHED


def test_it_loses_no_item_and_writes_none_twice_when_a_worker_is_killed_mid_run(
    sandbox, start_worker, lease
):
    sync = SyncFactory(failed=True)
    RecordItemFactory.create_batch(VALID, sync=sync, unavailable=True)
    RecordItemFactory.create_batch(INVALID, sync=sync, invalid=True)
    first = start_worker()
    retry = retry_request(sync=sync, requested_by=UserFactory())
    items = retry.sync.push_items
    wait_until(
        lambda: items.exclude(status=PushStatus.PENDING).count() >= 20,
        timeout=60,
        what="the first worker to push some items",
    )
    kill(first)
    assert items.filter(status=PushStatus.PENDING).exists(), "the worker was killed too late"
    start_worker()
    # Once the dead worker's claims have run out, the sweeper hands the retry to the new one.
    time.sleep(lease + 0.5)
    call_command("retry_sweep")
    wait_until(lambda: _finished(retry), timeout=60, what="the second worker to finish")
    stats = sandbox.platform.stats()
    # The pushes in flight when the worker died landed; each was sent again, written once.
    assert any(key == {"requests": 2, "writes": 1} for key in stats["keys"].values())
    assert max(key["writes"] for key in stats["keys"].values()) == 1
    assert (stats["writes"], stats["duplicate_writes"]) == (VALID, 0)
    assert set(items.values_list("status", flat=True)) == {PushStatus.FAILED, PushStatus.SUCCESS}
    assert (items.count(), items.filter(status=PushStatus.SUCCESS).count()) == (
        VALID + INVALID,
        VALID,
    )
    retry.sync.refresh_from_db()
    assert retry.sync.status_code == codes.DATA_PUSH_ERROR


def test_it_runs_a_retry_saved_while_redis_was_down_once_the_sweeper_runs(sandbox, start_worker):
    sync = SyncFactory(failed=True)
    RecordItemFactory.create_batch(5, sync=sync, unavailable=True)
    with celery_broker(DOWN):
        retry = retry_request(sync=sync, requested_by=UserFactory())
    assert retry.waiting_for_queue
    start_worker()
    call_command("retry_sweep")
    wait_until(lambda: _finished(retry), timeout=60, what="a worker to run the swept retry")
    assert retry.outcome == "succeeded"
    sync.refresh_from_db()
    assert sync.resolved_by == retry.sync
