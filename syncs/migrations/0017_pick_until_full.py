from django.db import migrations

# PostgreSQL only. Runs the branches of a page's pick, each a value or pairing of values of the
# order's few-valued lead (`grouped.pick_by_group`), one after another until they hold the page,
# each only up to what the page still lacks. Sent as one statement of all the branches, each
# was planned whether it ran or not: 72 pairings of status and destination took 14-19 ms to
# plan for a page that ran one or two. Run from here, only those run are planned. They come as
# a JSON array: as an array of text, psycopg escaped each in Python, 2.4 ms for 71 branches.
FUNCTION = """CREATE FUNCTION syncs_pick_until_full(branches jsonb, size integer)
RETURNS SETOF uuid AS $$
DECLARE
    branch text;
    wanted integer := size;
    found integer;
BEGIN
    FOR branch IN
        SELECT value FROM jsonb_array_elements_text(branches) WITH ORDINALITY AS b(value, n)
        ORDER BY n
    LOOP
        RETURN QUERY EXECUTE branch || ' LIMIT ' || wanted;
        GET DIAGNOSTICS found = ROW_COUNT;
        wanted := wanted - found;
        EXIT WHEN wanted <= 0;
    END LOOP;
END
$$ LANGUAGE plpgsql STABLE"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION syncs_pick_until_full(jsonb, integer)")


class Migration(migrations.Migration):
    dependencies = [
        ("syncs", "0016_walked_indexes_carry_company"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
