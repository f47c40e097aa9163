import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    NoticePeriod = apps.get_model("market_notices", "NoticePeriod")
    # 《中华人民共和国电子商务法》第四十三条第二款 (2018-08-31, in force 2019-01-01): 十五日.
    NoticePeriod.objects.update_or_create(code="counter_notice_wait", effective_from=dt.date(2019, 1, 1), defaults={
        "days": 15, "source": "《中华人民共和国电子商务法》第四十三条第二款（2019年1月1日起施行）"})


class Migration(migrations.Migration):
    dependencies = [("market_notices", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
