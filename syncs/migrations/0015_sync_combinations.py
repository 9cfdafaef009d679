from django.db import migrations, models

# Counts the syncs of each combination of the few-valued columns (SyncCombination): each change
# to a sync moves one count between combinations, as migration 0004's move counts between hours.
# An order led by those columns lists the combinations from here rather than a probe each of
# sync_few_values, which goes: a single column's values are probed in the indexes it begins.
FUNCTION = "syncs_count_combination"
COLUMNS = ("status_code", "product", "source_platform", "destination_platform")
TABLE = "syncs_synccombination"
LISTED = ", ".join(COLUMNS)
OUT = (
    f"UPDATE {TABLE} SET total = total - 1 WHERE "
    + " AND ".join(f"{column} = OLD.{column}" for column in COLUMNS)
    + ";"
)
INTO = (
    f"INSERT INTO {TABLE} ({LISTED}, total) VALUES "
    f"({', '.join(f'NEW.{column}' for column in COLUMNS)}, 1) "
    f"ON CONFLICT ({LISTED}) DO UPDATE SET total = {TABLE}.total + 1;"
)
CHANGED = {
    "postgresql": " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in COLUMNS),
    "sqlite": " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in COLUMNS),
}


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(
        f"INSERT INTO {TABLE} ({LISTED}, total) "
        f"SELECT {LISTED}, COUNT(*) FROM syncs_sync GROUP BY {LISTED}"
    )
    if vendor == "postgresql":
        statements = [
            f"""CREATE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN {OUT}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {INTO}
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER {FUNCTION}_insert_delete AFTER INSERT OR DELETE ON syncs_sync "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
            f"CREATE TRIGGER {FUNCTION}_update AFTER UPDATE ON syncs_sync "
            f"FOR EACH ROW WHEN ({CHANGED[vendor]}) EXECUTE FUNCTION {FUNCTION}()",
        ]
    else:
        statements = [
            f"CREATE TRIGGER {FUNCTION}_insert AFTER INSERT ON syncs_sync BEGIN {INTO} END",
            f"CREATE TRIGGER {FUNCTION}_delete AFTER DELETE ON syncs_sync BEGIN {OUT} END",
            f"CREATE TRIGGER {FUNCTION}_update AFTER UPDATE ON syncs_sync "
            f"WHEN {CHANGED[vendor]} BEGIN {OUT} {INTO} END",
        ]
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER {FUNCTION}_update ON syncs_sync")
        schema_editor.execute(f"DROP TRIGGER {FUNCTION}_insert_delete ON syncs_sync")
        schema_editor.execute(f"DROP FUNCTION {FUNCTION}()")
    else:
        for event in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER {FUNCTION}_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("syncs", "0014_company_values_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="sync", name="sync_few_values"),
        migrations.CreateModel(
            name="SyncCombination",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "status_code",
                        "product",
                        "source_platform",
                        "destination_platform",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("status_code", models.PositiveIntegerField()),
                (
                    "product",
                    models.CharField(
                        choices=[("commerce", "Sync for Commerce"), ("expenses", "Sync for Expenses")],
                        max_length=16,
                    ),
                ),
                ("source_platform", models.CharField(blank=True, max_length=100)),
                ("destination_platform", models.CharField(blank=True, max_length=100)),
                ("total", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
