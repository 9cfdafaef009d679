import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from syncs.models import Sync, SyncCombination
from syncs.rollup import sync_counts_rebuild

from ..factories import SyncFactory

pytestmark = pytest.mark.django_db

EXPENSES = ("expenses", "Partner Expense", "QuickBooks Online Sandbox")
COMMERCE = ("commerce", "Partner Commerce", "Xero")


def _counted() -> dict[tuple, int]:
    return {
        (c.status_code, c.product, c.source_platform, c.destination_platform): c.total
        for c in SyncCombination.objects.all()
        if c.total
    }


def test_it_counts_a_new_sync_in_its_combination():
    SyncFactory.create_batch(2)
    SyncFactory(commerce=True, failed=True)
    assert _counted() == {(2000, *EXPENSES): 2, (5130, *COMMERCE): 1}


def test_it_moves_a_sync_whose_status_changes():
    sync = SyncFactory(running=True)
    sync.status_code = 2000
    sync.save()
    assert _counted() == {(2000, *EXPENSES): 1}


def test_it_moves_a_sync_whose_platforms_change():
    sync = SyncFactory()
    sync.product, sync.source_platform, sync.destination_platform = COMMERCE
    sync.save()
    assert _counted() == {(2000, *COMMERCE): 1}


def test_it_moves_syncs_changed_together():
    SyncFactory.create_batch(3, running=True)
    Sync.objects.update(status_code=2000)
    assert _counted() == {(2000, *EXPENSES): 3}


def test_it_forgets_a_deleted_sync_in_its_combination():
    SyncFactory()
    SyncFactory().delete()
    assert _counted() == {(2000, *EXPENSES): 1}


def test_it_leaves_the_combinations_alone_when_other_fields_change():
    sync = SyncFactory()
    sync.notes, sync.started_at = "Please reconcile manually", sync.started_at.replace(year=2025)
    sync.finished_at = sync.started_at
    sync.save()
    assert SyncCombination.objects.get().total == 1


def test_it_rebuilds_the_same_combinations_from_the_syncs():
    SyncFactory.create_batch(2)
    SyncFactory(commerce=True, running=True)
    before = _counted()
    SyncCombination.objects.all().delete()
    sync_counts_rebuild()
    assert _counted() == before and len(before) == 2


@pytest.mark.django_db(transaction=True)
def test_its_migration_counts_the_syncs_already_there():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("syncs", "0014_company_values_index")])
    SyncFactory.create_batch(2)
    SyncFactory(commerce=True, failed=True)
    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    assert _counted() == {(2000, *EXPENSES): 2, (5130, *COMMERCE): 1}
