import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from syncs.models import FEW_VALUED, Sync, SyncCombination
from syncs.rollup import sync_counts_rebuild

from ..factories import SyncFactory

pytestmark = pytest.mark.django_db

EXPENSES = ("expenses", "Partner Expense", "QuickBooks Online Sandbox")
COMMERCE = ("commerce", "Partner Commerce", "Xero")
# Each column of few values changed on its own, away from the factory's.
CHANGES = {
    "status_code": 5130,
    "product": "commerce",
    "source_platform": "Partner Commerce",
    "destination_platform": "Xero",
}
BEFORE = ("syncs", "0014_company_values_index")


def _counted() -> dict[tuple, int]:
    return {
        (c.status_code, c.product, c.source_platform, c.destination_platform): c.total
        for c in SyncCombination.objects.all()
        if c.total
    }


def _changed(column: str) -> tuple:
    """The factory's combination with `column` changed."""
    values = {**dict(zip(FEW_VALUED, (2000, *EXPENSES), strict=True)), column: CHANGES[column]}
    return tuple(values[name] for name in FEW_VALUED)


def test_it_counts_a_new_sync_in_its_combination():
    SyncFactory.create_batch(2)
    SyncFactory(commerce=True, failed=True)
    assert _counted() == {(2000, *EXPENSES): 2, (5130, *COMMERCE): 1}


@pytest.mark.parametrize("column", CHANGES)
def test_it_moves_a_saved_sync_whose_column_of_few_values_changes(column):
    sync = SyncFactory()
    setattr(sync, column, CHANGES[column])
    sync.save()
    assert _counted() == {_changed(column): 1}


@pytest.mark.parametrize("column", CHANGES)
def test_it_moves_syncs_updated_together_in_a_column_of_few_values(column):
    SyncFactory.create_batch(3)
    Sync.objects.update(**{column: CHANGES[column]})
    assert _counted() == {_changed(column): 3}


def test_it_names_a_combination_by_its_values_and_count():
    SyncFactory.create_batch(2)
    assert str(SyncCombination.objects.get()) == (
        "2000 / expenses / Partner Expense / QuickBooks Online Sandbox: 2"
    )


def test_it_forgets_a_deleted_sync_in_its_combination():
    SyncFactory()
    SyncFactory().delete()
    assert _counted() == {(2000, *EXPENSES): 1}


def _count_updates() -> int:
    """How many count rows this transaction has updated so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [SyncCombination._meta.db_table],
        )
        return cursor.fetchone()[0]


def test_it_writes_no_count_when_only_other_fields_change():
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's write statistics; the PostgreSQL test run covers it")
    sync = SyncFactory()
    before = _count_updates()
    sync.notes, sync.started_at = "Please reconcile manually", sync.started_at.replace(year=2025)
    sync.finished_at = sync.started_at
    sync.save()
    # Taking the count out and putting it back would leave the same total, written twice.
    assert _count_updates() == before


def test_it_rebuilds_the_same_combinations_from_the_syncs():
    SyncFactory.create_batch(2)
    SyncFactory(commerce=True, running=True)
    before = _counted()
    SyncCombination.objects.all().delete()
    sync_counts_rebuild()
    assert _counted() == before and len(before) == 2


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_its_migration_counts_the_syncs_already_there():
    latest = _latest()
    MigrationExecutor(connection).migrate([BEFORE])
    SyncFactory.create_batch(2)
    SyncFactory(commerce=True, failed=True)
    MigrationExecutor(connection).migrate(latest)
    assert _counted() == {(2000, *EXPENSES): 2, (5130, *COMMERCE): 1}


@pytest.mark.django_db(transaction=True)
def test_its_migration_undone_leaves_syncs_writable_and_their_index_back():
    latest = _latest()
    MigrationExecutor(connection).migrate([BEFORE])
    try:
        sync = SyncFactory(running=True)
        sync.status_code = 2000
        sync.save()
        sync.delete()
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            indexes = connection.introspection.get_constraints(cursor, Sync._meta.db_table)
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert SyncCombination._meta.db_table not in tables
    assert indexes["sync_few_values"]["columns"] == list(FEW_VALUED)
