from django.db import migrations

# PostgreSQL only. A company's syncs in start order, with every column an order sorts by beside
# them: a search naming a few companies, in an order led by few-valued columns, sorts all of
# their syncs from this index alone rather than walk each combination's syncs past every
# other company's (`History.page`). sync_company_started stays for the counts, which read it
# alone at two thirds of this one's size. Not on the model's Meta: SQLite has no INCLUDE.
INDEX = (
    "CREATE INDEX sync_company_values ON syncs_sync (company_id, started_at DESC, id DESC) "
    "INCLUDE (status_code, product, source_platform, destination_platform, finished_at, "
    "resolved_by_id)"
)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX sync_company_values")


class Migration(migrations.Migration):
    dependencies = [
        ("syncs", "0013_few_values_id_index"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
