"""The quarter-hourly, hourly, daily and monthly sync counts behind the dashboard, and the
counts per combination of few values behind the orders led by them, kept by database
triggers.

The statements here rebuild them from the syncs; the triggers that keep them current are
installed by migrations 0003, 0004, 0005 and 0015.
"""

from django.db import connection

from .models import FEW_VALUED, SyncCombination

# Finest first. Per level: its table, its column and how a time is cut down to it on each
# database ({} is the time).
ROLLUPS = [
    (
        "syncs_syncquarterhourcount",
        "quarter_hour",
        {
            "postgresql": "date_bin('15 minutes', {}, TIMESTAMPTZ '2000-01-01 00:00Z')",
            "sqlite": "strftime('%Y-%m-%d %H:', {0})"
            " || printf('%02d', CAST(strftime('%M', {0}) AS INTEGER) / 15 * 15) || ':00'",
        },
    ),
    (
        "syncs_synchourlycount",
        "hour",
        {
            "postgresql": "date_trunc('hour', {}, 'UTC')",
            "sqlite": "strftime('%Y-%m-%d %H:00:00', {})",
        },
    ),
    (
        "syncs_syncdailycount",
        "day",
        {
            "postgresql": "date_trunc('day', {}, 'UTC')",
            "sqlite": "strftime('%Y-%m-%d 00:00:00', {})",
        },
    ),
    (
        "syncs_syncmonthlycount",
        "month",
        {
            "postgresql": "date_trunc('month', {}, 'UTC')",
            "sqlite": "strftime('%Y-%m-01 00:00:00', {})",
        },
    ),
]


def rebuild_sql(vendor: str) -> list[str]:
    """The finest level is counted from the syncs, each coarser one summed from the level
    below it: a million syncs are read once, not once per level."""
    combinations, listed = SyncCombination._meta.db_table, ", ".join(FEW_VALUED)
    tables = [*(table for table, _, _ in ROLLUPS), combinations]
    statements = [f"DELETE FROM {table}" for table in tables]
    statements.append(
        f"INSERT INTO {combinations} ({listed}, total) "
        f"SELECT {listed}, COUNT(*) FROM syncs_sync GROUP BY {listed}"
    )
    source, column, total, resolved = (
        "syncs_sync",
        "started_at",
        "COUNT(*)",
        "resolved_by_id IS NOT NULL",
    )
    for table, unit, cut in ROLLUPS:
        statements.append(
            f"INSERT INTO {table} ({unit}, status_code, resolved, total) "
            f"SELECT {cut[vendor].format(column)}, status_code, {resolved}, {total} "
            f"FROM {source} GROUP BY 1, 2, 3"
        )
        source, column, total, resolved = table, unit, "SUM(total)", "resolved"
    return statements


def sync_counts_rebuild() -> None:
    """Recounts every quarter hour, hour, day and month, and every combination of few values,
    from the syncs themselves, e.g. after loading with the triggers off."""
    with connection.cursor() as cursor:
        for statement in rebuild_sql(connection.vendor):
            cursor.execute(statement, None)
