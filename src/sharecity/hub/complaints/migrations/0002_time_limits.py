from django.db import migrations


def load(apps, schema_editor):
    from sharecity.hub.complaints.policy import DEFAULTS

    TimeLimit = apps.get_model("hub_complaints", "TimeLimit")
    for row in DEFAULTS:
        TimeLimit.objects.get_or_create(kind=row["kind"], effective_from=row["effective_from"],
                                        defaults={"workdays": row["workdays"], "source": row["source"]})


class Migration(migrations.Migration):
    dependencies = [("hub_complaints", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
