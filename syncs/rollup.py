"""The hourly sync counts behind the dashboard, kept by database triggers.

The statements here rebuild the counts from the syncs; the triggers that keep them current
are installed by migration 0003.
"""

from django.db import connection

TABLE = "syncs_synchourlycount"
HOUR = {
    "postgresql": "date_trunc('hour', started_at, 'UTC')",
    "sqlite": "strftime('%Y-%m-%d %H:00:00', started_at)",
}


def rebuild_sql(vendor: str) -> list[str]:
    return [
        f"DELETE FROM {TABLE}",
        f"INSERT INTO {TABLE} (hour, status_code, resolved, total) "
        f"SELECT {HOUR[vendor]}, status_code, resolved_by_id IS NOT NULL, COUNT(*) "
        "FROM syncs_sync GROUP BY 1, 2, 3",
    ]


def sync_counts_rebuild() -> None:
    """Recounts every hour from the syncs themselves, e.g. after loading with triggers off."""
    with connection.cursor() as cursor:
        for statement in rebuild_sql(connection.vendor):
            cursor.execute(statement, None)
