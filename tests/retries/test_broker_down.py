import pytest

from pushitems.models import PushStatus
from retries.models import RetryState
from retries.services import retry_request, retry_sweep

from ..factories import RecordItemFactory, SyncFactory, UserFactory
from .brokers import DOWN, celery_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def sync():
    sync = SyncFactory(failed=True)
    RecordItemFactory(sync=sync, unavailable=True)
    RecordItemFactory(sync=sync, invalid=True)
    return sync


def test_it_saves_the_retry_as_queued_when_the_broker_is_down(
    sync, django_capture_on_commit_callbacks
):
    with celery_broker(DOWN), django_capture_on_commit_callbacks(execute=True):
        retry = retry_request(sync=sync, requested_by=UserFactory())
    retry.refresh_from_db()
    assert (retry.state, retry.waiting_for_queue) == (RetryState.QUEUED, True)


def test_it_pushes_the_retry_once_the_broker_is_back_and_the_sweeper_runs(
    sync, platform, django_capture_on_commit_callbacks
):
    with celery_broker(DOWN), django_capture_on_commit_callbacks(execute=True):
        retry = retry_request(sync=sync, requested_by=UserFactory())
    retry_sweep()
    retry.refresh_from_db()
    assert retry.state == RetryState.FINISHED
    assert sorted(retry.sync.push_items.values_list("status", flat=True)) == [
        PushStatus.FAILED,
        PushStatus.SUCCESS,
    ]
