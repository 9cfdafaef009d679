import uuid

import pytest

from pushitems.models import PushItem, PushStatus
from syncs import status as codes
from syncs.services import PushResult, PushResultError, sync_finish, sync_record_push_results

from ..factories import PushItemFactory, SyncFactory

pytestmark = pytest.mark.django_db

VALIDATION = {
    "errors": [
        {
            "itemId": "LineItems[0].AccountRef",
            "message": "Failed to push to DirectCost as LineItems[0].AccountRef must not have "
            "account type 'Accounts Payable' or 'Accounts Receivable'",
            "validatorName": "DirectCost",
        }
    ],
    "warnings": [],
}


def _failure(item: PushItem) -> PushResult:
    return PushResult(
        push_operation_key=item.push_operation_key,
        status=PushStatus.FAILED,
        status_code=400,
        error_message="Push failed for DirectCost: see validation for more information",
        validation=VALIDATION,
    )


def _success(item: PushItem) -> PushResult:
    return PushResult(
        push_operation_key=item.push_operation_key,
        status=PushStatus.SUCCESS,
        status_code=200,
        platform_record_id="rec-1",
    )


def test_it_records_the_outcome_on_the_item():
    item = PushItemFactory(pending=True)
    sync_record_push_results(sync=item.sync, results=[_failure(item)])
    item.refresh_from_db()
    assert (item.status, item.status_code, item.validation, item.attempts) == (
        PushStatus.FAILED,
        400,
        VALIDATION,
        1,
    )
    assert item.completed_at is not None


def test_it_fails_a_successful_sync_when_an_item_fails():
    item = PushItemFactory(pending=True)
    sync = sync_record_push_results(sync=item.sync, results=[_failure(item)])
    assert (sync.status_code, sync.status_text) == (codes.DATA_PUSH_ERROR, "PushError")


def test_it_explains_the_failure_in_the_sync_error_message():
    item = PushItemFactory(pending=True)
    sync = sync_record_push_results(sync=item.sync, results=[_failure(item)])
    assert sync.error_message.startswith("Push failed for directCosts: 1 item failed;")


def test_it_fails_a_sync_over_a_timed_out_item():
    item = PushItemFactory(pending=True)
    result = PushResult(push_operation_key=item.push_operation_key, status=PushStatus.TIMED_OUT)
    assert sync_record_push_results(sync=item.sync, results=[result]).is_failed


def test_it_leaves_a_sync_successful_when_every_item_succeeds():
    item = PushItemFactory(pending=True)
    sync = sync_record_push_results(sync=item.sync, results=[_success(item)])
    assert sync.status_code == codes.SUCCESS_DATA_PUSHED


def test_it_keeps_the_code_of_a_sync_that_failed_already():
    item = PushItemFactory(pending=True, sync=SyncFactory(status_code=codes.GENERIC_SERVER_ERROR))
    sync = sync_record_push_results(sync=item.sync, results=[_failure(item)])
    assert sync.status_code == codes.GENERIC_SERVER_ERROR


def test_it_leaves_a_running_sync_running_while_items_fail():
    item = PushItemFactory(pending=True, sync=SyncFactory(running=True))
    sync = sync_record_push_results(sync=item.sync, results=[_failure(item)])
    assert sync.status_code == codes.IN_PROGRESS


def test_it_records_a_success_over_failed_items_as_a_push_error():
    item = PushItemFactory(failed=True, sync=SyncFactory(running=True))
    sync = sync_finish(
        sync=item.sync, status_code=codes.SUCCESS_DATA_PUSHED, status_text="Complete"
    )
    assert (sync.status_code, sync.finished_at is not None) == (codes.DATA_PUSH_ERROR, True)


def test_it_finishes_a_sync_with_the_given_success_when_no_item_failed():
    PushItemFactory(sync=(running := SyncFactory(running=True)))
    sync = sync_finish(sync=running, status_code=codes.SUCCESS_DATA_PUSHED, data_pushed=True)
    assert (sync.status_code, sync.data_pushed) == (codes.SUCCESS_DATA_PUSHED, True)


def test_it_refuses_a_result_for_an_item_of_another_sync():
    item = PushItemFactory(pending=True)
    stranger = PushItemFactory(pending=True)
    with pytest.raises(PushResultError):
        sync_record_push_results(sync=item.sync, results=[_failure(item), _failure(stranger)])


def test_it_writes_nothing_when_one_result_is_refused():
    item = PushItemFactory(pending=True)
    unknown = PushResult(push_operation_key=uuid.uuid4(), status=PushStatus.SUCCESS)
    with pytest.raises(PushResultError):
        sync_record_push_results(sync=item.sync, results=[_failure(item), unknown])
    item.refresh_from_db()
    assert item.status == PushStatus.PENDING


def test_it_refuses_an_unknown_push_status():
    item = PushItemFactory(pending=True)
    result = PushResult(push_operation_key=item.push_operation_key, status="Exploded")
    with pytest.raises(PushResultError):
        sync_record_push_results(sync=item.sync, results=[result])
