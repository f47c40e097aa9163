"""The life-service verticals of Tianjin's and Xiamen's lists: ride-hailing, shared bikes, beauty and hairdressing,
laundry, repairs, community retail and long-term rental homes (``catalog.seed.TREE``; seeding again changes
nothing that is already there)."""

from django.db import migrations


def seed(apps, schema_editor):
    from sharecity.market.catalog.services import catalog_seed

    catalog_seed(category_model=apps.get_model("market_catalog", "Category"))


class Migration(migrations.Migration):

    dependencies = [("market_catalog", "0003_health_check_basis")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
