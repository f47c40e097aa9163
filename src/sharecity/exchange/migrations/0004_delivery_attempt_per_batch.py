from django.db import migrations, models
from django.db.models import F


def attempts_become_batches_of_one(apps, schema_editor):
    """What was recorded per message stays: each old row is the attempt of a one-message batch."""
    DeliveryAttempt = apps.get_model("exchange", "DeliveryAttempt")
    DeliveryAttempt.objects.update(first_sequence=F("sequence"), last_sequence=F("sequence"))


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0003_downlink_stream_producer_receipt"),
    ]

    operations = [
        migrations.AddField(
            model_name="deliveryattempt",
            name="first_sequence",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="deliveryattempt",
            name="last_sequence",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="deliveryattempt",
            name="transport_message_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(attempts_become_batches_of_one, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="deliveryattempt",
            name="message_id",
        ),
        migrations.RemoveField(
            model_name="deliveryattempt",
            name="sequence",
        ),
        migrations.AddIndex(
            model_name="deliveryattempt",
            index=models.Index(fields=["platform_id", "last_sequence"], name="delivery_platform_last_idx"),
        ),
    ]
