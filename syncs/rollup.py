"""The quarter-hourly, hourly, daily and monthly sync counts behind the dashboard, kept by
database triggers.

The statements here rebuild the counts from the syncs; the triggers that keep them current
are installed by migrations 0003, 0004 and 0005.
"""

from django.db import connection

# Per level: its table, its column and how a start time is cut down to it on each database.
ROLLUPS = [
    (
        "syncs_syncquarterhourcount",
        "quarter_hour",
        {
            "postgresql": "date_bin('15 minutes', started_at, TIMESTAMPTZ '2000-01-01 00:00Z')",
            "sqlite": "strftime('%Y-%m-%d %H:', started_at)"
            " || printf('%02d', CAST(strftime('%M', started_at) AS INTEGER) / 15 * 15) || ':00'",
        },
    ),
    (
        "syncs_synchourlycount",
        "hour",
        {
            "postgresql": "date_trunc('hour', started_at, 'UTC')",
            "sqlite": "strftime('%Y-%m-%d %H:00:00', started_at)",
        },
    ),
    (
        "syncs_syncdailycount",
        "day",
        {
            "postgresql": "date_trunc('day', started_at, 'UTC')",
            "sqlite": "strftime('%Y-%m-%d 00:00:00', started_at)",
        },
    ),
    (
        "syncs_syncmonthlycount",
        "month",
        {
            "postgresql": "date_trunc('month', started_at, 'UTC')",
            "sqlite": "strftime('%Y-%m-01 00:00:00', started_at)",
        },
    ),
]


def rebuild_sql(vendor: str) -> list[str]:
    statements = []
    for table, column, unit in ROLLUPS:
        statements += [
            f"DELETE FROM {table}",
            f"INSERT INTO {table} ({column}, status_code, resolved, total) "
            f"SELECT {unit[vendor]}, status_code, resolved_by_id IS NOT NULL, COUNT(*) "
            "FROM syncs_sync GROUP BY 1, 2, 3",
        ]
    return statements


def sync_counts_rebuild() -> None:
    """Recounts every quarter hour, hour, day and month from the syncs themselves, e.g. after
    loading with the triggers off."""
    with connection.cursor() as cursor:
        for statement in rebuild_sql(connection.vendor):
            cursor.execute(statement, None)
