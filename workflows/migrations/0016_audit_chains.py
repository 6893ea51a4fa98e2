"""One audit chain per committee (decision 0014): each head names its committee (the global
chain, pk 1, names none); each entry names its chain and its number in it. The entries already
there stay where they are, in the global chain (0017 numbers them); the head's columns get
database defaults, so the service's role can start a committee's chain at the genesis without
being able to choose where it starts."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0001_initial"),
        ("workflows", "0015_task_open_due_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditcheck",
            name="chain",
            field=models.CharField(blank=True, default="", max_length=20, verbose_name="chuỗi"),
        ),
        migrations.AddField(
            model_name="auditcheck",
            name="chains",
            field=models.JSONField(blank=True, default=dict, verbose_name="các chuỗi"),
        ),
        migrations.AddField(
            model_name="audithead",
            name="committee",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="units.unit",
                verbose_name="Ban Dân vận",
            ),
        ),
        migrations.AddField(
            model_name="audithead",
            name="legacy_seq",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
        migrations.AlterField(
            model_name="audithead",
            name="seq",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
        migrations.AlterField(
            model_name="audithead",
            name="prev_hash",
            field=models.CharField(db_default="0" * 64, default="0" * 64, max_length=64),
        ),
        migrations.AlterField(
            model_name="audithead",
            name="last_hash",
            field=models.CharField(db_default="0" * 64, default="0" * 64, max_length=64),
        ),
        # A constant default: PostgreSQL adds the column without touching a row.
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.ForeignKey(
                default=1,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="workflows.audithead",
                verbose_name="chuỗi",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="audithead",
            constraint=models.UniqueConstraint(
                models.functions.Coalesce("committee", models.Value(0)),
                name="audit_one_chain_per_committee",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="chain_seq",
            field=models.BigIntegerField(null=True, verbose_name="số thứ tự trong chuỗi"),
        ),
    ]
