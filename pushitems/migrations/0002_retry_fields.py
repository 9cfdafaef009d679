import uuid

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def key_each_item(apps, schema_editor):
    # One UPDATE rather than a default: a callable default would give every existing row the
    # same key, and items that share a key are treated as the same record.
    PushItem = apps.get_model("pushitems", "PushItem")
    PushItem.objects.update(idempotency_key=F("push_operation_key"))


class Migration(migrations.Migration):

    dependencies = [
        ("pushitems", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="pushitem",
            name="claim_token",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="pushitem",
            name="claimed_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="pushitem",
            name="idempotency_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(key_each_item, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="pushitem",
            name="idempotency_key",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="pushitem",
            name="retry_of",
            field=models.ForeignKey(
                blank=True,
                help_text="The failed item this one pushes again.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="retries",
                to="pushitems.pushitem",
            ),
        ),
        migrations.AddConstraint(
            model_name="pushitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("retry_of", models.F("id")), _negated=True),
                name="pushitem_does_not_retry_itself",
            ),
        ),
    ]
