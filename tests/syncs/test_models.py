from datetime import timedelta

import pytest
from django.db import IntegrityError

from syncs.models import Sync, SyncConfig

from ..factories import CompanyFactory, SyncConfigFactory, SyncFactory

pytestmark = pytest.mark.django_db


def test_it_computes_run_time_from_start_and_finish(sync):
    assert sync.run_time == timedelta(seconds=8)


def test_it_has_no_run_time_while_in_progress():
    assert SyncFactory(running=True).run_time is None


def test_it_refuses_a_finish_before_the_start(sync):
    sync.finished_at = sync.started_at - timedelta(seconds=1)
    with pytest.raises(IntegrityError):
        sync.save()


def test_it_refuses_a_data_range_that_ends_before_it_starts(sync):
    sync.data_start = sync.started_at
    sync.data_finish = sync.started_at - timedelta(days=1)
    with pytest.raises(IntegrityError):
        sync.save()


def test_it_refuses_a_sync_that_retries_itself(sync):
    sync.retry_of_id = sync.id
    with pytest.raises(IntegrityError):
        sync.save()


def test_it_stores_an_undocumented_status_code():
    sync = SyncFactory(status_code=4200, status_text="MapCoreError")
    sync.refresh_from_db()
    assert (sync.status_code, sync.status.label, sync.is_failed) == (4200, "4200", True)


def test_it_counts_undocumented_failure_codes_as_failed():
    failed = {SyncFactory(status_code=code).status_code for code in (4000, 4200, 5130)}
    SyncFactory(status_code=2000)
    SyncFactory(running=True)
    assert set(Sync.objects.failed().values_list("status_code", flat=True)) == failed


def test_it_selects_in_progress_syncs():
    running = SyncFactory(running=True)
    SyncFactory(status_code=1010, finished_at=None)
    SyncFactory()
    assert running in Sync.objects.in_progress() and Sync.objects.in_progress().count() == 2


def test_it_lists_newest_syncs_first_with_id_as_tie_breaker(sync):
    twin = SyncFactory(started_at=sync.started_at)
    older = SyncFactory(started_at=sync.started_at - timedelta(minutes=1))
    expected = [*sorted([sync, twin], key=lambda s: s.id, reverse=True), older]
    assert list(Sync.objects.all()) == expected


def test_it_digests_a_config_snapshot_independently_of_key_order(company):
    first = SyncConfig(company=company, product="expenses", data={"a": 1, "b": {"c": 2}})
    second = SyncConfig(company=company, product="expenses", data={"b": {"c": 2}, "a": 1})
    first.save()
    second.digest = ""
    with pytest.raises(IntegrityError):
        second.save()


def test_it_keeps_a_snapshot_per_company():
    data = {"bankAccount": {"id": "89"}}
    SyncConfigFactory(company=CompanyFactory(), data=data)
    SyncConfigFactory(company=CompanyFactory(), data=data)
    assert SyncConfig.objects.count() == 2


def test_it_shares_one_snapshot_between_syncs_that_ran_with_it():
    config = SyncConfigFactory()
    SyncFactory.create_batch(2, company=config.company, config=config)
    assert config.syncs.count() == 2
