from django.db import migrations

# PostgreSQL only. An order led by status, product, source or destination and followed by
# complete time or run time is picked a value at a time, each value's rows walked in one of
# these indexes (`grouped.pick_by_group`). A value with few syncs is walked far to find
# a page of them: carrying the columns the walk tests, and those its key is computed from,
# makes it a walk of the index alone rather than a table row read per entry passed.
COVERED = (
    "INCLUDE (status_code, product, source_platform, destination_platform, started_at, "
    "finished_at)"
)
KEYS = {
    "sync_finished": (
        "(COALESCE(finished_at, "
        "timezone('UTC', timezone('UTC', started_at) + '365000 days'::interval))), id"
    ),
    "sync_run_time": "(COALESCE(finished_at - started_at, '365000 days'::interval)), id",
}


def _rebuild(schema_editor, covering: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, keys in KEYS.items():
        schema_editor.execute(f"DROP INDEX {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON syncs_sync ({keys}) {covering}")


def install(apps, schema_editor):
    _rebuild(schema_editor, COVERED)


def uninstall(apps, schema_editor):
    _rebuild(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("syncs", "0008_few_valued_started_indexes"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
