"""The violation catalogue and the default leniency list, from ``hub.enforcement.catalogue``."""

from django.db import migrations


def seed(apps, schema_editor):
    from sharecity.hub.enforcement.catalogue import LENIENCY, VIOLATIONS

    violation_model = apps.get_model("hub_enforcement", "Violation")
    entry_model = apps.get_model("hub_enforcement", "LeniencyEntry")
    for row in VIOLATIONS:
        violation_model.objects.update_or_create(code=row.code, defaults=row._asdict())
    for row in LENIENCY:
        violation = violation_model.objects.get(code=row.violation_code)
        fields = {k: v for k, v in row._asdict().items() if k != "violation_code"}
        entry_model.objects.get_or_create(city_code="", violation=violation, effective_from=row.effective_from,
                                          defaults=fields)


def unseed(apps, schema_editor):
    apps.get_model("hub_enforcement", "LeniencyEntry").objects.filter(city_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("hub_enforcement", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
