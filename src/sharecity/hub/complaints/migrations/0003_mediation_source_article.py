from django.db import migrations


def cite_the_article(apps, schema_editor):
    from sharecity.hub.complaints.policy import MEDIATION_SOURCE, MEDIATION_SOURCE_BEFORE

    TimeLimit = apps.get_model("hub_complaints", "TimeLimit")
    TimeLimit.objects.filter(kind="mediation", source=MEDIATION_SOURCE_BEFORE).update(source=MEDIATION_SOURCE)


class Migration(migrations.Migration):
    dependencies = [("hub_complaints", "0002_time_limits")]
    operations = [migrations.RunPython(cite_the_article, migrations.RunPython.noop)]
