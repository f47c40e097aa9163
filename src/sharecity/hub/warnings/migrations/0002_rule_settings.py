from django.db import migrations


def load(apps, schema_editor):
    from sharecity.hub.warnings.policy import DEFAULTS

    RuleSetting = apps.get_model("hub_warnings", "RuleSetting")
    for row in DEFAULTS:
        RuleSetting.objects.get_or_create(rule=row["rule"], effective_from=row["effective_from"],
                                          defaults={"severity": row["severity"], "params": row["params"],
                                                    "source": row["source"]})


class Migration(migrations.Migration):
    dependencies = [("hub_warnings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
