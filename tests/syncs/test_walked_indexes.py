"""The indexes an order led by few-valued columns walks, and the function that runs a pick's
branches: PostgreSQL only, installed and undone by their migrations."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

WALKED = ("sync_few_values_window", "sync_few_values_id", "sync_finished", "sync_run_time")
COVERED = "status_code, product, source_platform, destination_platform, started_at, finished_at"
# What each carried beside its keys before the company.
CARRIED_BEFORE = {
    "sync_few_values_window": None,
    "sync_few_values_id": "started_at",
    "sync_finished": COVERED,
    "sync_run_time": COVERED,
}


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's indexes and functions; the PostgreSQL test run covers them")


def _definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(WALKED)]
        )
        return dict(cursor.fetchall())


def _carried(definition: str) -> str | None:
    if " INCLUDE (" not in definition:
        return None
    return definition.split(" INCLUDE (")[1].split(")")[0]


def _has_pick_function() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('syncs_pick_until_full(jsonb, integer)')")
        return cursor.fetchone()[0] is not None


def _undone_to(migration: str) -> tuple[dict[str, str], bool]:
    """The walked indexes' definitions and whether the pick function exists, with the
    migrations after `migration` undone; they are done again after."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    MigrationExecutor(connection).migrate([("syncs", migration)])
    try:
        return _definitions(), _has_pick_function()
    finally:
        MigrationExecutor(connection).migrate(latest)


def test_the_walked_indexes_carry_the_company():
    carried = {name: _carried(definition) for name, definition in _definitions().items()}
    assert carried == {
        name: ", ".join(filter(None, [before, "company_id"]))
        for name, before in CARRIED_BEFORE.items()
    }


def test_their_migration_undone_leaves_them_as_they_were():
    definitions, _ = _undone_to("0015_sync_combinations")
    assert {name: _carried(definition) for name, definition in definitions.items()} == (
        CARRIED_BEFORE
    )
    assert definitions["sync_few_values_window"].endswith("WHERE ((status_code + 0) IS NOT NULL)")


def test_the_pick_function_goes_with_its_migration():
    _, had = _undone_to("0016_walked_indexes_carry_company")
    assert not had and _has_pick_function()
