import pytest
from django.db import IntegrityError
from django.utils import timezone

from retries.models import Retry, RetryOutcome, RetryState

from ..factories import SyncFactory, UserFactory

pytestmark = pytest.mark.django_db


def _retry(original, **fields) -> Retry:
    return Retry.objects.create(
        original=original,
        sync=SyncFactory(running=True, retry_of=original),
        requested_by=UserFactory(),
        item_count=fields.pop("item_count", 2),
        **fields,
    )


def test_it_refuses_a_second_active_retry_of_a_sync():
    original = SyncFactory(failed=True)
    _retry(original, state=RetryState.RUNNING)
    with pytest.raises(IntegrityError):
        _retry(original)


def test_it_allows_a_new_retry_once_the_last_one_finished():
    original = SyncFactory(failed=True)
    _retry(
        original,
        state=RetryState.FINISHED,
        outcome=RetryOutcome.FAILED,
        finished_at=timezone.now(),
    )
    assert _retry(original).is_active


def test_it_refuses_a_finished_retry_without_an_outcome():
    with pytest.raises(IntegrityError):
        _retry(SyncFactory(failed=True), state=RetryState.FINISHED, finished_at=timezone.now())


def test_it_refuses_an_outcome_before_the_retry_finished():
    with pytest.raises(IntegrityError):
        _retry(SyncFactory(failed=True), outcome=RetryOutcome.SUCCEEDED)


def test_it_refuses_a_retry_of_no_items():
    with pytest.raises(IntegrityError):
        _retry(SyncFactory(failed=True), item_count=0)


def test_it_refuses_an_unknown_state():
    with pytest.raises(IntegrityError):
        _retry(SyncFactory(failed=True), state="paused")


@pytest.mark.parametrize(
    ("state", "enqueued", "waiting"),
    [
        (RetryState.QUEUED, False, True),
        (RetryState.QUEUED, True, False),
        (RetryState.RUNNING, False, False),
    ],
)
def test_it_waits_for_the_task_queue_only_while_queued_and_never_handed_over(
    state, enqueued, waiting
):
    retry = Retry(state=state, enqueued_at=timezone.now() if enqueued else None)
    assert retry.waiting_for_queue is waiting
