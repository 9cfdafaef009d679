import pytest

from retries.models import Retry
from retries.services import retry_request, retry_request_many
from syncs.models import Sync

from ..factories import PushItemFactory, RecordItemFactory, SyncFactory, UserFactory
from .brokers import DOWN, celery_broker

pytestmark = pytest.mark.django_db


def _failed_sync(failures: int = 1, **traits) -> Sync:
    sync = SyncFactory(failed=True, **traits)
    RecordItemFactory.create_batch(failures, sync=sync, unavailable=True)
    return sync


def test_it_starts_one_retry_per_sync_with_failed_items():
    first, second = _failed_sync(2), _failed_sync(3)
    batch = retry_request_many(syncs=Sync.objects.all(), requested_by=UserFactory())
    assert sorted(retry.original_id for retry in batch.retries) == sorted([first.pk, second.pk])
    assert batch.items == 5


def test_it_retries_every_matching_sync_however_many_match():
    for _ in range(60):
        _failed_sync()
    batch = retry_request_many(syncs=Sync.objects.all(), requested_by=UserFactory())
    assert len(batch.retries) == Retry.objects.count() == 60


def test_it_counts_the_syncs_it_left_alone_and_why():
    _failed_sync()
    _failed_sync(commerce=True)
    retry_request(sync=_failed_sync(), requested_by=UserFactory())
    PushItemFactory(sync=SyncFactory())
    batch = retry_request_many(syncs=Sync.objects.filter(retry_of=None), requested_by=UserFactory())
    assert (
        len(batch.retries),
        batch.skipped_commerce,
        batch.skipped_busy,
        batch.skipped_nothing_failed,
    ) == (1, 1, 1, 1)


def test_it_tries_the_task_queue_once_when_it_is_down(django_capture_on_commit_callbacks):
    _failed_sync(), _failed_sync(), _failed_sync()
    with celery_broker(DOWN), django_capture_on_commit_callbacks(execute=True):
        batch = retry_request_many(syncs=Sync.objects.all(), requested_by=UserFactory())
    assert batch.waiting_for_queue
    assert Retry.objects.filter(enqueued_at=None).count() == 3


def test_it_does_not_count_the_retry_syncs_it_creates_as_skipped():
    _failed_sync(), _failed_sync()
    batch = retry_request_many(syncs=Sync.objects.all(), requested_by=UserFactory())
    assert (len(batch.retries), batch.skipped_nothing_failed) == (2, 0)
