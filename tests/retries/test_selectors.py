import pytest
from django.utils import timezone

from pushitems.models import PushStatus
from retries.models import Retry, RetryState
from retries.runner import retry_run
from retries.selectors import (
    retry_audit,
    retry_availability,
    retry_latest,
    retry_preview,
    retry_progress,
)
from retries.services import retry_request
from syncs.models import Sync

from ..factories import (
    PushItemFactory,
    RecordItemFactory,
    RetryFactory,
    SyncFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _failed_sync(failures: int = 1, **traits) -> Sync:
    sync = SyncFactory(failed=True, **traits)
    PushItemFactory(sync=sync)
    RecordItemFactory.create_batch(failures, sync=sync, unavailable=True)
    return sync


def test_it_allows_retrying_an_expenses_sync_with_failed_items():
    availability = retry_availability(sync=_failed_sync(2))
    assert (availability.allowed, availability.reason, availability.failed_items) == (True, "", 2)


def test_it_explains_that_commerce_syncs_cannot_be_retried():
    availability = retry_availability(sync=_failed_sync(commerce=True))
    assert (availability.allowed, availability.reason) == (
        False,
        "Retrying failed items is available for Sync for Expenses only.",
    )


def test_it_names_the_retry_already_running():
    sync = _failed_sync()
    retry = retry_request(sync=sync, requested_by=UserFactory())
    availability = retry_availability(sync=sync)
    assert (availability.allowed, availability.reason, availability.active) == (
        False,
        "A retry of this sync is already running.",
        retry,
    )


def test_it_explains_that_a_sync_without_failed_items_has_nothing_to_retry():
    assert retry_availability(sync=SyncFactory()).reason == (
        "This sync has no failed items to retry."
    )


def test_it_counts_the_syncs_and_items_retrying_all_would_start():
    _failed_sync(2), _failed_sync(3), _failed_sync(4, commerce=True), SyncFactory()
    busy = _failed_sync(5)
    retry_request(sync=busy, requested_by=UserFactory())
    preview = retry_preview(syncs=Sync.objects.all())
    assert (preview.syncs, preview.items) == (2, 5)


def test_it_previews_only_the_syncs_given():
    first, _ = _failed_sync(2), _failed_sync(3)
    preview = retry_preview(syncs=Sync.objects.filter(pk=first.pk))
    assert (preview.syncs, preview.items) == (1, 2)


def test_it_shows_a_queued_retry_with_nothing_done_yet():
    retry = retry_request(sync=_failed_sync(3), requested_by=UserFactory())
    progress = retry_progress(retry=retry)
    assert (progress.total, progress.done, progress.pending, progress.finished) == (3, 0, 3, False)
    assert progress.waiting_for_queue


def test_it_counts_done_and_failed_items_of_a_running_retry():
    retry = retry_request(sync=_failed_sync(3), requested_by=UserFactory())
    first, second, _ = retry.sync.push_items.order_by("id")
    first.status, second.status = PushStatus.SUCCESS, PushStatus.FAILED
    first.save(), second.save()
    progress = retry_progress(retry=retry)
    assert (progress.done, progress.succeeded, progress.failed, progress.percent) == (2, 1, 1, 66)


def test_it_reports_the_outcome_of_a_finished_retry(platform):
    sync = _failed_sync()
    RecordItemFactory(sync=sync, invalid=True)
    retry = retry_run(retry=retry_request(sync=sync, requested_by=UserFactory()))
    progress = retry_progress(retry=retry)
    assert (progress.finished, progress.outcome, progress.failed, progress.total) == (
        True,
        "failed",
        1,
        2,
    )


def test_it_lists_the_retries_asked_for_a_sync_newest_first_with_their_results(platform):
    sync = _failed_sync(2)
    alice = UserFactory(username="alice")
    first = retry_run(retry=retry_request(sync=sync, requested_by=alice))
    audit = retry_audit(sync=sync)
    assert [(r, r.requested_by, r.item_count, r.succeeded_count) for r in audit.requested] == [
        (first, alice, 2, 2)
    ]
    assert audit.origin is None


def test_it_shows_a_retry_sync_the_request_that_created_it():
    retry = retry_request(sync=_failed_sync(), requested_by=UserFactory())
    audit = retry_audit(sync=retry.sync)
    assert (audit.requested, audit.origin) == ([], retry)


def test_it_shows_progress_of_the_newest_retry_of_a_sync():
    sync = _failed_sync()
    old = retry_request(sync=sync, requested_by=UserFactory())
    Retry.objects.filter(pk=old.pk).update(
        state=RetryState.FINISHED, outcome="failed", finished_at=timezone.now()
    )
    old.sync.push_items.update(status=PushStatus.FAILED)
    new = retry_request(sync=sync, requested_by=UserFactory())
    assert retry_latest(sync=sync) == new


def test_it_shows_progress_of_a_retry_sync_own_retry():
    retry = retry_request(sync=_failed_sync(), requested_by=UserFactory())
    assert retry_latest(sync=retry.sync) == retry


def test_it_shows_a_retried_retry_sync_the_retry_requested_for_it_over_its_origin():
    origin = RetryFactory(finished=True)
    again = RetryFactory(original=origin.sync, requested_at=origin.requested_at)
    assert retry_latest(sync=origin.sync) == again


def test_it_finds_the_latest_retry_in_one_query(django_assert_num_queries):
    retry = RetryFactory()
    with django_assert_num_queries(1):
        assert retry_latest(sync=retry.sync) == retry
