"""The housekeeping and care categories' health certificate cites the notice that sets the check
(商服贸规函〔2020〕191号), not the State Council's 2019 opinions that asked for one (国办发〔2019〕30号)."""

from django.db import migrations

OLD = "国办发〔2019〕30号"


def cite(apps, schema_editor):
    from sharecity.market.catalog.seed import HEALTH_CHECK_BASIS

    Category = apps.get_model("market_catalog", "Category")
    for category in Category.objects.all():
        rules = category.licence_rules or []
        changed = False
        for rule in rules:
            if rule.get("code") == "health_certificate" and OLD in rule.get("legal_reference", ""):
                rule["legal_reference"] = HEALTH_CHECK_BASIS
                changed = True
        if changed:
            category.licence_rules = rules
            category.save(update_fields=["licence_rules"])


class Migration(migrations.Migration):

    dependencies = [("market_catalog", "0002_seed_categories")]

    operations = [migrations.RunPython(cite, migrations.RunPython.noop)]
