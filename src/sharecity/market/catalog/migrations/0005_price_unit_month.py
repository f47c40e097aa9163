"""A price per month, and long-term rental homes priced by it (``catalog.seed.TREE``: rental_home and
rental_apartment default to ``month``). Listings already made keep the unit their provider chose."""

from django.db import migrations, models


def seed(apps, schema_editor):
    from sharecity.market.catalog.services import catalog_seed

    catalog_seed(category_model=apps.get_model("market_catalog", "Category"))


class Migration(migrations.Migration):

    dependencies = [
        ('market_catalog', '0004_life_service_verticals'),
    ]

    operations = [
        migrations.AlterField(
            model_name='category',
            name='default_unit',
            field=models.CharField(choices=[('hour', 'per hour'), ('day', 'per day'), ('night', 'per night'), ('month', 'per month'), ('item', 'per item')], default='item', max_length=8, verbose_name='default price unit'),
        ),        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
