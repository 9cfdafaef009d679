"""Double clicks, two people, two tabs, a task delivered twice: real threads, real transactions."""

import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from pushitems.models import PushItem, PushStatus
from pushitems.services import push_item_claim
from retries.models import Retry, RetryState
from retries.runner import retry_run
from retries.services import RetryAlreadyRunning, retry_request
from sandbox.platform import Faults
from syncs import status as codes
from syncs.models import Sync

from ..factories import PushItemFactory, RecordItemFactory, SyncFactory, UserFactory
from .brokers import celery_broker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite runs one writer at a time, so nothing can race",
    ),
]


@pytest.fixture(autouse=True)
def _queue_without_worker():
    # Requests commit for real here; their tasks go to a queue no worker reads, so each test
    # decides what runs.
    with celery_broker("memory://"):
        yield


@pytest.fixture
def failed_sync() -> Sync:
    sync = SyncFactory(failed=True)
    RecordItemFactory.create_batch(3, sync=sync, unavailable=True)
    return sync


def _in_threads(*calls: Callable[[], object]) -> list[object]:
    """Runs `calls` at the same moment, each in its own thread and database connection;
    returns what each returned or raised."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_it_starts_one_retry_when_four_people_click_at_once(failed_sync):
    people = UserFactory.create_batch(4)
    outcomes = _in_threads(
        *(lambda p=p: retry_request(sync=failed_sync, requested_by=p) for p in people)
    )
    (winner,) = [o for o in outcomes if isinstance(o, Retry)]
    refused = [o for o in outcomes if isinstance(o, RetryAlreadyRunning)]
    assert [refusal.retry for refusal in refused] == [winner] * 3
    assert Sync.objects.filter(retry_of=failed_sync).count() == 1


def test_it_refuses_a_request_that_only_the_constraint_can_stop(failed_sync):
    first_saved, commit = threading.Event(), threading.Event()

    def first() -> Retry:
        with transaction.atomic():
            retry = retry_request(sync=failed_sync, requested_by=UserFactory())
            first_saved.set()
            commit.wait(10)
        return retry

    def second() -> Retry:
        # The first retry is saved but not committed: the check before inserting cannot see
        # it, so this request reaches the unique index, which waits for the first to commit.
        first_saved.wait(10)
        return retry_request(sync=failed_sync, requested_by=UserFactory())

    def release() -> None:
        first_saved.wait(10)
        time.sleep(0.5)
        commit.set()

    retry, refusal, _ = _in_threads(first, second, release)
    assert isinstance(refusal, RetryAlreadyRunning) and refusal.retry == retry
    assert Sync.objects.filter(retry_of=failed_sync).count() == 1


def test_it_gives_each_item_to_one_run_however_many_claim_at_once():
    sync = SyncFactory(running=True)
    PushItemFactory.create_batch(200, sync=sync, pending=True)

    def claim_one_by_one() -> list[int]:
        token, claimed = uuid.uuid4(), []
        while PushItem.objects.filter(sync=sync).claimable(timezone.now()).exists():
            lease = timedelta(minutes=5)
            claimed += [
                item.pk for item in push_item_claim(sync=sync, token=token, limit=1, lease=lease)
            ]
        return claimed

    claims = [pk for run in _in_threads(*[claim_one_by_one] * 8) for pk in run]
    assert len(claims) == len(set(claims)) == 200


def test_it_sends_each_item_once_when_two_workers_run_the_same_retry(platform, settings):
    settings.RETRY_CONCURRENCY = 4
    platform.configure(Faults(latency_ms=20))
    sync = SyncFactory(failed=True)
    RecordItemFactory.create_batch(60, sync=sync, unavailable=True)
    retry = retry_request(sync=sync, requested_by=UserFactory())
    _in_threads(
        lambda: retry_run(retry=Retry.objects.get(pk=retry.pk)),
        lambda: retry_run(retry=Retry.objects.get(pk=retry.pk)),
    )
    retry.refresh_from_db()
    retry.sync.refresh_from_db()
    assert {key["requests"] for key in platform.stats()["keys"].values()} == {1}
    assert len(platform.stats()["keys"]) == 60
    assert (retry.state, retry.sync.status_code) == (RetryState.FINISHED, codes.SUCCESS_DATA_PUSHED)
    assert set(retry.sync.push_items.values_list("status", flat=True)) == {PushStatus.SUCCESS}


def test_it_keeps_its_claims_while_it_works_for_longer_than_a_lease(platform, settings):
    settings.RETRY_LEASE_SECONDS, settings.RETRY_CONCURRENCY = 1, 1
    platform.configure(Faults(latency_ms=400))
    sync = SyncFactory(failed=True)
    RecordItemFactory.create_batch(6, sync=sync, unavailable=True)
    retry = retry_request(sync=sync, requested_by=UserFactory())

    def after_the_first_lease() -> Retry:
        time.sleep(1.3)
        return retry_run(retry=Retry.objects.get(pk=retry.pk))

    _in_threads(lambda: retry_run(retry=Retry.objects.get(pk=retry.pk)), after_the_first_lease)
    assert [key["requests"] for key in platform.stats()["keys"].values()] == [1] * 6
