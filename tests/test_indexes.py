"""Every index costs each write and each bulk load; one that begins another adds nothing."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes() -> dict[str, list[tuple[str, list[int], bool]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indrelid::regclass::text, indexrelid::regclass::text, indkey::int2[],"
            " indisunique FROM pg_index"
            " WHERE indrelid::regclass::text IN ('syncs_sync', 'pushitems_pushitem')"
        )
        tables: dict[str, list[tuple[str, list[int], bool]]] = {}
        for table, name, columns, unique in cursor.fetchall():
            tables.setdefault(table, []).append((name, list(columns), unique))
        return tables


def test_no_plain_index_is_the_start_of_another():
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's catalogue; the PostgreSQL test run covers it")
    redundant = [
        (name, other)
        for indexes in _indexes().values()
        for name, columns, unique in indexes
        for other, longer, _ in indexes
        if not unique and name != other and longer[: len(columns)] == columns
    ]
    assert redundant == []
