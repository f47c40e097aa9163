"""Every database starts with the category tree (``catalog.seed.TREE``)."""

from django.db import migrations


def seed(apps, schema_editor):
    from sharecity.market.catalog.services import catalog_seed

    catalog_seed(category_model=apps.get_model("market_catalog", "Category"))


class Migration(migrations.Migration):

    dependencies = [
        ("market_catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
