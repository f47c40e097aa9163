import datetime as dt

from django.db import migrations

SOURCE = ("城市设定，非法定期限：《中华人民共和国电子商务法》第四十二条第二款、第四十三条第二款只规定“及时”"
          " (the city's setting, not a legal number: the law says only 'promptly')")


def seed(apps, schema_editor):
    NoticeDeadline = apps.get_model("hub_notices", "NoticeDeadline")
    for code in ("measure", "counter_forward"):
        NoticeDeadline.objects.update_or_create(code=code, effective_from=dt.date(2019, 1, 1),
                                                defaults={"hours": 48, "source": SOURCE})


class Migration(migrations.Migration):
    dependencies = [("hub_notices", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
