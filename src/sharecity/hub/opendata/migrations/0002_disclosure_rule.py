"""The default disclosure rule: cells of fewer than 5 people suppressed, ε = 1.0 per released count.

No official threshold or budget was found for this portal; these are ShareCity's defaults (a threshold of
5 and ε = 1 are common choices in official statistics' small-area practice). The city edits them as data: a
new row with a later ``effective_from`` takes over from that day (admin)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SOURCE = ("ShareCity default (no official threshold verified); 厦府办〔2019〕13号 四(四)6: "
          "依法严厉打击泄露、篡改和滥用用户个人信息等损害用户权益行为")


def seed(apps, schema_editor):
    Rule = apps.get_model("hub_opendata", "DisclosureRule")
    Rule.objects.get_or_create(effective_from=dt.date(2019, 1, 24), defaults={
        "threshold": 5, "epsilon": Decimal("1.000"), "source": SOURCE,
        "note": "k=5 distinct providers and customers per cell; discrete Laplace scale 1/ε"})


class Migration(migrations.Migration):
    dependencies = [("hub_opendata", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
