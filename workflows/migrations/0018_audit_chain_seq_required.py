from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workflows", "0017_audit_chains_legacy")]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="chain_seq",
            field=models.BigIntegerField(verbose_name="số thứ tự trong chuỗi"),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(
                fields=("chain", "chain_seq"), name="audit_chain_seq"
            ),
        ),
    ]
