from django.db import migrations

# PostgreSQL only. Each combination of status, product, source and destination in id order,
# with the start time beside the id: an order led by three of them and a window longer than a
# month walks a combination's syncs from the cursor, a value of the fourth column at a time,
# testing the window from the index alone (`grouped._pick_lazily`). Not on the model's Meta:
# SQLite has no INCLUDE, and Django warns of an index it would build without it.
INDEX = (
    "CREATE INDEX sync_few_values_id ON syncs_sync "
    "(status_code, product, source_platform, destination_platform, id) INCLUDE (started_at)"
)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX sync_few_values_id")


class Migration(migrations.Migration):
    dependencies = [
        ("syncs", "0012_few_values_window_index"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
