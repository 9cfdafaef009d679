import pytest
from django.db import transaction

from pushitems.models import PushStatus
from retries.models import Retry, RetryState
from retries.services import RetryAlreadyRunning, RetryNotAllowed, retry_request
from syncs import status as codes
from syncs.models import Sync

from ..factories import (
    PushItemFactory,
    RecordItemFactory,
    SyncConfigFactory,
    SyncFactory,
    UserFactory,
)
from .brokers import celery_broker

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def failed_sync():
    sync = SyncFactory(failed=True, config=SyncConfigFactory())
    PushItemFactory(sync=sync)
    RecordItemFactory(sync=sync, invalid=True)
    RecordItemFactory(sync=sync, unavailable=True)
    PushItemFactory(sync=sync, timed_out=True)
    return sync


@pytest.fixture
def user():
    return UserFactory()


def test_it_creates_a_retry_sync_in_progress_like_the_original(failed_sync, user):
    retry_sync = retry_request(sync=failed_sync, requested_by=user).sync
    assert (
        retry_sync.retry_of,
        retry_sync.company,
        retry_sync.product,
        retry_sync.source_platform,
        retry_sync.destination_platform,
        retry_sync.config,
        retry_sync.status_code,
        retry_sync.finished_at,
    ) == (
        failed_sync,
        failed_sync.company,
        failed_sync.product,
        failed_sync.source_platform,
        failed_sync.destination_platform,
        failed_sync.config,
        codes.IN_PROGRESS,
        None,
    )


def test_it_copies_the_failed_and_timed_out_items_each_linked_to_the_item_it_retries(
    failed_sync, user
):
    retry = retry_request(sync=failed_sync, requested_by=user)
    failed = list(failed_sync.push_items.exclude(status=PushStatus.SUCCESS).order_by("id"))
    copies = list(retry.sync.push_items.order_by("id"))
    assert [copy.retry_of for copy in copies] == failed
    assert [(c.core_id, c.data_type, c.payload) for c in copies] == [
        (f.core_id, f.data_type, f.payload) for f in failed
    ]


def test_it_starts_every_copy_pending_with_no_attempt(failed_sync, user):
    retry = retry_request(sync=failed_sync, requested_by=user)
    assert {(item.status, item.attempts) for item in retry.sync.push_items.all()} == {
        (PushStatus.PENDING, 0)
    }


def test_it_gives_each_copy_the_idempotency_key_of_the_item_it_retries(failed_sync, user):
    retry = retry_request(sync=failed_sync, requested_by=user)
    assert all(
        copy.idempotency_key == copy.retry_of.idempotency_key
        for copy in retry.sync.push_items.select_related("retry_of")
    )


def test_it_records_who_asked_when_and_for_how_many_items(failed_sync, user):
    retry = retry_request(sync=failed_sync, requested_by=user)
    assert (retry.original, retry.requested_by, retry.item_count, retry.state) == (
        failed_sync,
        user,
        3,
        RetryState.QUEUED,
    )
    assert retry.requested_at == retry.sync.started_at


def test_it_retries_only_the_selected_failed_items(failed_sync, user):
    chosen = failed_sync.push_items.filter(status=PushStatus.TIMED_OUT).get()
    retry = retry_request(sync=failed_sync, requested_by=user, item_ids=[chosen.pk])
    assert [item.retry_of for item in retry.sync.push_items.all()] == [chosen]


def test_it_refuses_a_selection_with_an_item_that_did_not_fail(failed_sync, user):
    succeeded = failed_sync.push_items.get(status=PushStatus.SUCCESS)
    with pytest.raises(RetryNotAllowed, match="not failed items of this sync"):
        retry_request(sync=failed_sync, requested_by=user, item_ids=[succeeded.pk])


def test_it_refuses_a_selection_with_an_item_of_another_sync(failed_sync, user):
    stranger = PushItemFactory(failed=True)
    with pytest.raises(RetryNotAllowed, match="not failed items of this sync"):
        retry_request(sync=failed_sync, requested_by=user, item_ids=[stranger.pk])


def test_it_refuses_an_empty_selection(failed_sync, user):
    with pytest.raises(RetryNotAllowed, match="not failed items of this sync"):
        retry_request(sync=failed_sync, requested_by=user, item_ids=[])


def test_it_refuses_a_commerce_sync_with_the_reason_the_portal_gives(user):
    sync = SyncFactory(failed=True, commerce=True)
    PushItemFactory(sync=sync, failed=True, data_type="invoices")
    with pytest.raises(RetryNotAllowed) as refusal:
        retry_request(sync=sync, requested_by=user)
    assert refusal.value.reason == "Retrying failed items is available for Sync for Expenses only."


def test_it_refuses_a_sync_without_failed_items(user):
    sync = SyncFactory()
    PushItemFactory(sync=sync)
    with pytest.raises(RetryNotAllowed, match="no failed items"):
        retry_request(sync=sync, requested_by=user)


def test_it_refuses_a_sync_still_in_progress(user):
    sync = SyncFactory(running=True)
    PushItemFactory(sync=sync, failed=True)
    with pytest.raises(RetryNotAllowed, match="still in progress"):
        retry_request(sync=sync, requested_by=user)


def test_it_refuses_a_second_retry_while_the_first_is_active_and_names_it(failed_sync, user):
    first = retry_request(sync=failed_sync, requested_by=user)
    with pytest.raises(RetryAlreadyRunning) as refusal:
        retry_request(sync=failed_sync, requested_by=UserFactory())
    assert (refusal.value.retry, str(refusal.value)) == (
        first,
        "A retry of this sync is already running.",
    )


def test_it_creates_no_second_retry_sync_when_one_is_running(failed_sync, user):
    retry_request(sync=failed_sync, requested_by=user)
    with pytest.raises(RetryAlreadyRunning):
        retry_request(sync=failed_sync, requested_by=user)
    assert Sync.objects.filter(retry_of=failed_sync).count() == 1


def test_it_does_not_copy_again_an_item_a_retry_has_written_since(failed_sync, user):
    first = retry_request(sync=failed_sync, requested_by=user)
    first.sync.push_items.update(status=PushStatus.FAILED)
    first.sync.push_items.filter(retry_of__status=PushStatus.TIMED_OUT).update(
        status=PushStatus.SUCCESS
    )
    Retry.objects.filter(pk=first.pk).update(
        state=RetryState.FINISHED, outcome="failed", finished_at=first.requested_at
    )
    second = retry_request(sync=failed_sync, requested_by=user)
    assert second.item_count == 2


def test_it_enqueues_the_task_when_the_transaction_commits(
    failed_sync, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        retry_request(sync=failed_sync, requested_by=user)
    assert len(callbacks) == 1


def test_it_enqueues_nothing_when_the_transaction_rolls_back(
    failed_sync, user, platform, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        retry_request(sync=failed_sync, requested_by=user)
        raise Boom
    assert (platform.stats()["requests"], Retry.objects.count()) == (0, 0)


def test_it_notes_when_the_retry_was_handed_to_the_task_queue(
    failed_sync, user, django_capture_on_commit_callbacks
):
    with celery_broker("memory://"), django_capture_on_commit_callbacks(execute=True):
        retry = retry_request(sync=failed_sync, requested_by=user)
    assert (retry.state, retry.enqueued_at is not None, retry.waiting_for_queue) == (
        RetryState.QUEUED,
        True,
        False,
    )
