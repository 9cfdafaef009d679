from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from retries.models import Retry, RetryState
from retries.services import retry_request, retry_sweep

from ..factories import RecordItemFactory, SyncFactory, UserFactory
from .brokers import DOWN, celery_broker

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(hours=1)


def _retry(**fields) -> Retry:
    """A retry of a failed sync, never handed to the queue unless `fields` say otherwise."""
    sync = SyncFactory(failed=True)
    RecordItemFactory(sync=sync, unavailable=True)
    retry = retry_request(sync=sync, requested_by=UserFactory())
    Retry.objects.filter(pk=retry.pk).update(**fields)
    retry.refresh_from_db()
    return retry


def _swept(retry: Retry) -> bool:
    with celery_broker("memory://"):
        retry_sweep()
    before = retry.enqueued_at
    retry.refresh_from_db()
    return retry.enqueued_at != before


def test_it_enqueues_a_retry_the_task_queue_never_got():
    assert _swept(_retry())


def test_it_enqueues_a_queued_retry_whose_message_was_lost():
    assert _swept(_retry(enqueued_at=LONG_AGO))


def test_it_leaves_a_queued_retry_handed_over_a_moment_ago():
    assert not _swept(_retry(enqueued_at=timezone.now()))


def test_it_enqueues_a_running_retry_whose_worker_stopped_renewing_its_claims():
    assert _swept(_retry(state=RetryState.RUNNING, heartbeat_at=LONG_AGO, enqueued_at=LONG_AGO))


def test_it_leaves_a_running_retry_whose_worker_is_alive():
    assert not _swept(
        _retry(state=RetryState.RUNNING, heartbeat_at=timezone.now(), enqueued_at=LONG_AGO)
    )


def test_it_leaves_a_stalled_retry_it_enqueued_a_moment_ago():
    assert not _swept(
        _retry(state=RetryState.RUNNING, heartbeat_at=LONG_AGO, enqueued_at=timezone.now())
    )


def test_it_leaves_a_finished_retry_alone():
    assert not _swept(
        _retry(state=RetryState.FINISHED, outcome="succeeded", finished_at=timezone.now())
    )


def test_it_counts_the_retries_it_enqueued():
    _retry(), _retry(), _retry(enqueued_at=timezone.now())
    with celery_broker("memory://"):
        assert retry_sweep() == 2


def test_it_stops_at_the_first_retry_while_the_task_queue_is_still_down():
    _retry(), _retry()
    with celery_broker(DOWN):
        assert retry_sweep() == 0


def test_it_sweeps_from_the_management_command(capsys):
    _retry()
    with celery_broker("memory://"):
        call_command("retry_sweep")
    assert capsys.readouterr().out == "Enqueued 1 retry.\n"
