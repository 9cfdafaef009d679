"""Every index costs each write and each bulk load; one that begins another adds nothing."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import SyncFactory

pytestmark = pytest.mark.django_db


def _indexes() -> dict[str, list[tuple[str, list[str], bool]]]:
    """Per table, each index with its key columns (or expressions) in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indrelid::regclass::text, indexrelid::regclass::text,"
            " ARRAY(SELECT pg_get_indexdef(indexrelid, k, true)"
            " FROM generate_series(1, indnkeyatts) k), indisunique FROM pg_index"
            " WHERE indrelid::regclass::text IN ('syncs_sync', 'pushitems_pushitem')"
        )
        tables: dict[str, list[tuple[str, list[str], bool]]] = {}
        for table, name, columns, unique in cursor.fetchall():
            tables.setdefault(table, []).append((name, list(columns), unique))
        return tables


# Kept though one begins the other, for what reads the first alone.
SMALLER_START = {
    # The same keys: the counts read sync_company_started, two thirds the size, and a search's
    # sort the columns sync_company_values includes (migration 0014).
    ("sync_company_started", "sync_company_values"),
    ("sync_company_values", "sync_company_started"),
}


def test_no_plain_index_is_the_start_of_another():
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's catalogue; the PostgreSQL test run covers it")
    redundant = [
        (name, other)
        for indexes in _indexes().values()
        for name, columns, unique in indexes
        for other, longer, _ in indexes
        if not unique and name != other and longer[: len(columns)] == columns
        if (name, other) not in SMALLER_START
    ]
    assert redundant == []


def test_a_company_search_is_counted_from_the_company_index_alone(staff_client, company):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    SyncFactory.create_batch(3, company=company)
    with CaptureQueriesContext(connection) as queries:
        staff_client.get(reverse("history-counts"), {"q": company.name, "range": "all"})
    counts = next(q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {counts}")
        plan = json.dumps(cursor.fetchone()[0])
    assert '"Index Only Scan"' in plan and '"sync_company_started"' in plan, plan
