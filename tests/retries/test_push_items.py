"""The push item side of a retry: which items count, claims, backoff and fast bulk updates."""

import uuid
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from pushitems.models import PushItem, PushStatus
from pushitems.services import PushPolicy, push_item_claim, push_item_renew_claims

from ..factories import PushItemFactory, SyncFactory

LEASE = timedelta(seconds=60)
FUTURE, PAST = timezone.now() + timedelta(days=1), timezone.now() - timedelta(days=1)
POLICY = PushPolicy(max_attempts=5, backoff=1.0, backoff_cap=8.0, pending_timeout=1.0)


@pytest.mark.django_db
def test_it_counts_a_failed_item_resolved_once_a_copy_of_it_succeeded():
    failed = PushItemFactory(failed=True)
    PushItemFactory(idempotency_key=failed.idempotency_key, retry_of=failed)
    assert not PushItem.objects.filter(pk=failed.pk).unresolved().exists()


@pytest.mark.django_db
def test_it_does_not_retry_an_item_a_retry_is_pushing_now():
    failed = PushItemFactory(failed=True)
    PushItemFactory(pending=True, idempotency_key=failed.idempotency_key, retry_of=failed)
    assert PushItem.objects.filter(pk=failed.pk).unresolved().exists()
    assert not PushItem.objects.filter(pk=failed.pk).retryable().exists()


@pytest.mark.django_db
def test_it_retries_a_failed_item_whose_earlier_retry_failed_too():
    failed = PushItemFactory(timed_out=True)
    PushItemFactory(failed=True, idempotency_key=failed.idempotency_key, retry_of=failed)
    assert PushItem.objects.filter(pk=failed.pk).retryable().exists()


@pytest.mark.django_db
def test_it_claims_only_pending_items_no_run_holds():
    sync = SyncFactory(running=True)
    free = PushItemFactory(sync=sync, pending=True)
    PushItemFactory(sync=sync, pending=True, claim_token=uuid.uuid4(), claimed_until=FUTURE)
    PushItemFactory(sync=sync)
    assert push_item_claim(sync=sync, token=uuid.uuid4(), limit=10, lease=LEASE) == [free]


@pytest.mark.django_db
def test_it_claims_an_item_whose_claim_ran_out():
    item = PushItemFactory(pending=True, claim_token=uuid.uuid4(), claimed_until=PAST)
    assert push_item_claim(sync=item.sync, token=uuid.uuid4(), limit=10, lease=LEASE) == [item]


@pytest.mark.django_db
def test_it_claims_no_more_than_asked():
    sync = SyncFactory(running=True)
    PushItemFactory.create_batch(3, sync=sync, pending=True)
    assert len(push_item_claim(sync=sync, token=uuid.uuid4(), limit=2, lease=LEASE)) == 2


@pytest.mark.django_db
def test_it_lets_a_second_run_claim_nothing_the_first_holds():
    sync = SyncFactory(running=True)
    PushItemFactory.create_batch(2, sync=sync, pending=True)
    push_item_claim(sync=sync, token=uuid.uuid4(), limit=10, lease=LEASE)
    assert push_item_claim(sync=sync, token=uuid.uuid4(), limit=10, lease=LEASE) == []


@pytest.mark.django_db
def test_it_renews_only_the_claims_of_the_run_that_holds_them():
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    soon = timezone.now() + timedelta(seconds=1)
    held = PushItemFactory(pending=True, claim_token=mine, claimed_until=soon)
    other = PushItemFactory(pending=True, claim_token=theirs, claimed_until=soon)
    renewed = push_item_renew_claims(ids=[held.pk, other.pk], token=mine, lease=LEASE)
    held.refresh_from_db(), other.refresh_from_db()
    assert (renewed, held.claimed_until > soon, other.claimed_until) == (1, True, soon)


@pytest.mark.parametrize(("attempt", "low", "high"), [(1, 0.5, 1.0), (3, 2.0, 4.0), (9, 4.0, 8.0)])
def test_it_backs_off_exponentially_with_jitter_up_to_a_cap(attempt, low, high):
    delays = [POLICY.delay(attempt) for _ in range(50)]
    assert low <= min(delays) and max(delays) <= high and len(set(delays)) > 1


def test_it_never_comes_back_sooner_than_the_platform_asked():
    assert POLICY.delay(1, retry_after=6.0) == 6.0


def test_it_gives_up_when_the_platform_asks_to_wait_longer_than_it_ever_waits():
    assert POLICY.delay(1, retry_after=60.0) is None


@pytest.mark.django_db
def test_it_writes_each_item_its_own_values_in_a_bulk_update():
    first, second = PushItemFactory.create_batch(2, pending=True)
    done = timezone.now()
    first.status, first.validation, first.completed_at = PushStatus.FAILED, {"errors": [1]}, done
    second.status, second.platform_record_id, second.status_code = PushStatus.SUCCESS, "r9", None
    updated = PushItem.objects.bulk_update(
        [first, second],
        ["status", "validation", "completed_at", "platform_record_id", "status_code"],
    )
    first.refresh_from_db(), second.refresh_from_db()
    assert updated == 2
    assert (first.status, first.validation, first.completed_at) == (
        PushStatus.FAILED,
        {"errors": [1]},
        done,
    )
    assert (second.status, second.platform_record_id, second.status_code) == (
        PushStatus.SUCCESS,
        "r9",
        None,
    )


@pytest.mark.django_db
def test_it_still_bulk_updates_with_expressions_as_values():
    item = PushItemFactory(attempts=1)
    item.attempts = F("attempts") + 2
    PushItem.objects.bulk_update([item], ["attempts"])
    item.refresh_from_db()
    assert item.attempts == 3
