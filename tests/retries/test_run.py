import uuid

import pytest

from pushitems.clients import PlatformClient
from pushitems.models import PushItem, PushStatus
from pushitems.services import PushTarget
from retries.models import RetryOutcome, RetryState
from retries.runner import retry_run
from retries.services import retry_request
from sandbox.platform import Faults
from syncs import status as codes

from ..factories import RecordItemFactory, SyncFactory, UserFactory
from .brokers import celery_broker

pytestmark = pytest.mark.django_db


def _retry(*items_traits: dict, sync=None):
    """A retry, requested but not yet run, of a failed sync with items of the given traits."""
    sync = sync or SyncFactory(failed=True)
    for traits in items_traits:
        RecordItemFactory(sync=sync, **traits)
    return retry_request(sync=sync, requested_by=UserFactory())


def _items(retry) -> list[PushItem]:
    return list(retry.sync.push_items.order_by("id"))


def test_it_pushes_every_item_and_finishes_the_retry_sync_with_2000(platform):
    retry = retry_run(retry=_retry({"unavailable": True}, {"timed_out": True}))
    retry.sync.refresh_from_db()
    assert (retry.sync.status_code, retry.sync.status_text, retry.sync.data_pushed) == (
        codes.SUCCESS_DATA_PUSHED,
        "Complete",
        True,
    )


def test_it_records_the_platform_record_id_of_each_write(platform):
    retry = retry_run(retry=_retry({"unavailable": True}))
    (item,) = _items(retry)
    assert (item.status, item.status_code, item.platform_record_id) == (
        PushStatus.SUCCESS,
        200,
        "1001",
    )


def test_it_records_the_complete_time_of_the_retry_sync(platform):
    retry = retry_run(retry=_retry({"unavailable": True}))
    retry.sync.refresh_from_db()
    assert retry.sync.finished_at == retry.finished_at


def test_it_fails_an_item_that_breaks_a_rule_again_with_the_platform_message(platform):
    retry = retry_run(retry=_retry({"invalid": True}))
    (item,) = _items(retry)
    assert (item.status, item.status_code, item.attempts) == (PushStatus.FAILED, 400, 1)
    assert item.validation["errors"][0]["message"] == (
        "Failed to push to DirectCost as LineItems[0].TaxAmount must be 0 when used with a "
        "Tax Rate with an effective rate of 0."
    )


def test_it_finishes_with_5130_and_a_summary_when_an_item_still_fails(platform):
    retry = retry_run(retry=_retry({"unavailable": True}, {"failed": True, "breaks": "ap_account"}))
    retry.sync.refresh_from_db()
    assert retry.sync.status_code == codes.DATA_PUSH_ERROR
    assert retry.sync.error_message == (
        "Push failed for directCosts: 1 item failed; "
        "Push failed for DirectCost: see validation for more information"
    )


def test_it_retries_a_transient_failure_until_the_write_succeeds(platform):
    platform.configure(Faults(script=[503, 429], retry_after=0.01))
    retry = retry_run(retry=_retry({"unavailable": True}))
    (item,) = _items(retry)
    assert (item.status, item.attempts) == (PushStatus.SUCCESS, 3)


def test_it_fails_an_item_once_transient_failures_outlast_the_attempts(platform):
    platform.configure(Faults(script=[503, 503, 503]))
    retry = retry_run(retry=_retry({"unavailable": True}))
    (item,) = _items(retry)
    assert (item.status, item.status_code, item.attempts) == (PushStatus.FAILED, 503, 3)
    assert item.error_message.endswith("Gave up after 3 attempts.")


def test_it_times_an_item_out_when_the_platform_answers_too_late_every_time(platform, settings):
    settings.PLATFORM_READ_TIMEOUT = 0.2
    settings.RETRY_MAX_ATTEMPTS = 2
    platform.configure(Faults(script=["timeout", "timeout"], hang_seconds=0.5))
    retry = retry_run(retry=_retry({"invalid": True}))
    (item,) = _items(retry)
    assert (item.status, item.status_code) == (PushStatus.TIMED_OUT, 504)


def test_it_takes_the_first_answer_when_a_write_that_timed_out_had_landed(platform):
    platform.configure(Faults(script=["timeout"], hang_seconds=1.5))
    retry = retry_run(retry=_retry({"timed_out": True}))
    (item,) = _items(retry)
    key = str(item.idempotency_key)
    assert (item.status, platform.stats()["keys"][key]) == (
        PushStatus.SUCCESS,
        {"requests": 2, "writes": 1},
    )


def test_it_waits_for_a_pending_write_to_finish(platform):
    platform.configure(Faults(script=["pending"], pending_ms=100))
    retry = retry_run(retry=_retry({"unavailable": True}))
    (item,) = _items(retry)
    assert (item.status, item.attempts) == (PushStatus.SUCCESS, 1)


def test_it_times_an_item_out_when_a_pending_write_never_finishes(platform, settings):
    settings.PLATFORM_PENDING_TIMEOUT = 0.2
    platform.configure(Faults(script=["pending"], pending_ms=60_000))
    retry = retry_run(retry=_retry({"unavailable": True}))
    (item,) = _items(retry)
    assert (item.status, item.attempts) == (PushStatus.TIMED_OUT, 1)
    assert item.error_message.startswith("The accounting platform accepted the write")


def test_it_fails_an_item_at_once_when_the_platform_asks_for_a_longer_wait_than_allowed(
    platform,
):
    platform.configure(Faults(script=[429], retry_after=60))
    retry = retry_run(retry=_retry({"unavailable": True}))
    (item,) = _items(retry)
    assert (item.status, item.status_code, item.attempts) == (PushStatus.FAILED, 429, 1)
    assert "asked to wait 60s" in item.error_message


def test_it_moves_the_retry_from_queued_through_running_to_finished(platform):
    retry = _retry({"unavailable": True})
    assert retry.state == RetryState.QUEUED
    retry = retry_run(retry=retry)
    assert (retry.state, retry.outcome) == (RetryState.FINISHED, RetryOutcome.SUCCEEDED)
    assert retry.started_at <= retry.finished_at


def test_it_calls_a_retry_with_an_item_still_failing_failed(platform):
    retry = retry_run(retry=_retry({"invalid": True}, {"unavailable": True}))
    assert retry.outcome == RetryOutcome.FAILED


def test_it_leaves_the_status_of_the_original_sync_as_recorded(platform):
    original = SyncFactory(failed=True)
    retry_run(retry=_retry({"unavailable": True}, sync=original))
    original.refresh_from_db()
    assert (original.status_code, original.status_text) == (codes.DATA_PUSH_ERROR, "PushError")


def test_it_marks_the_original_resolved_once_every_failed_item_succeeded(platform):
    original = SyncFactory(failed=True)
    retry = retry_run(retry=_retry({"unavailable": True}, {"timed_out": True}, sync=original))
    original.refresh_from_db()
    assert original.resolved_by == retry.sync


def test_it_leaves_the_original_unresolved_while_an_item_still_fails(platform):
    original = SyncFactory(failed=True)
    retry_run(retry=_retry({"unavailable": True}, {"invalid": True}, sync=original))
    original.refresh_from_db()
    assert original.resolved_by is None


def test_it_resolves_the_original_through_a_retry_of_its_retry(platform):
    original = SyncFactory(failed=True)
    platform.configure(Faults(script=[503, 503, 503]))
    first = retry_run(retry=_retry({"unavailable": True}, sync=original))
    platform.configure(Faults())
    second = retry_run(retry=retry_request(sync=first.sync, requested_by=UserFactory()))
    original.refresh_from_db()
    first.sync.refresh_from_db()
    assert (original.resolved_by, first.sync.resolved_by) == (second.sync, second.sync)


def test_it_pushes_nothing_for_a_finished_retry(platform):
    retry = retry_run(retry=_retry({"unavailable": True}))
    requests_before = platform.stats()["requests"]
    retry_run(retry=retry)
    assert platform.stats()["requests"] == requests_before


def test_it_sends_each_item_once_when_the_task_runs_twice(platform):
    retry = _retry({"unavailable": True}, {"unavailable": True}, {"invalid": True})
    retry_run(retry=retry)
    retry_run(retry=retry)
    assert [key["requests"] for key in platform.stats()["keys"].values()] == [1, 1, 1]


def test_it_finishes_the_items_a_dead_run_had_claimed_once_its_claim_ran_out(platform):
    retry = _retry({"unavailable": True}, {"unavailable": True})
    retry.sync.push_items.update(claim_token=uuid.uuid4(), claimed_until="2000-01-01T00:00Z")
    retry = retry_run(retry=retry)
    assert [item.status for item in _items(retry)] == [PushStatus.SUCCESS] * 2


def test_it_writes_no_record_twice_when_a_run_died_between_push_and_record(platform):
    retry = _retry({"unavailable": True})
    (item,) = _items(retry)
    with PlatformClient.from_settings() as client:
        target = PushTarget.of(retry.sync)
        first = client.push(
            company_id=target.company_id,
            connection_id=target.connection_id,
            data_type=item.data_type,
            record=item.payload,
            idempotency_key=item.idempotency_key,
        )
    retry_run(retry=retry)
    item.refresh_from_db()
    assert (item.platform_record_id, platform.stats()["writes"]) == (first.record_id, 1)


def test_it_leaves_alone_the_items_a_live_run_holds(platform):
    retry = _retry({"unavailable": True}, {"unavailable": True})
    held = _items(retry)[0]
    PushItem.objects.filter(pk=held.pk).update(
        claim_token=uuid.uuid4(), claimed_until="2999-01-01T00:00Z"
    )
    retry = retry_run(retry=retry)
    assert [item.status for item in _items(retry)] == [PushStatus.PENDING, PushStatus.SUCCESS]
    assert retry.state == RetryState.RUNNING


def test_it_hands_the_rest_to_a_fresh_task_when_its_time_is_up(
    platform, django_capture_on_commit_callbacks
):
    retry = _retry({"unavailable": True})
    with celery_broker("memory://"), django_capture_on_commit_callbacks(execute=True):
        retry = retry_run(retry=retry, seconds=0)
    assert (retry.state, retry.enqueued_at is not None, platform.stats()["requests"]) == (
        RetryState.RUNNING,
        True,
        0,
    )
