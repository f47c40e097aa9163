"""The demo cities' quota zones and a first version of evaluation weights (a regulator replaces them)."""

import datetime as dt

from django.db import migrations

ZONES = [
    # Xiamen 2019 split each allocation 岛内:岛外 = 3:1 (56,250 : 18,750).
    ("350200", "island", "岛内", "Island", ["350203", "350206"], 3),
    ("350200", "off-island", "岛外", "Off-island", ["350205", "350211", "350212", "350213"], 1),
    ("120100", "central", "市内六区", "Central districts",
     ["120101", "120102", "120103", "120104", "120105", "120106"], 1),
    ("120100", "outer", "环城及远郊区", "Outer districts",
     ["120110", "120111", "120112", "120113", "120114", "120115", "120116", "120117", "120118", "120119"], 1),
]
WEIGHTS = {"complaints": 25, "parking": 30, "condition": 25, "dispatch": 20, "complaints_zero_per_thousand": 10,
           "dispatch_target_minutes": 30, "dispatch_zero_minutes": 120}
SOURCE = "ShareCity default (not a published weighting); items as in 《天津市互联网租赁自行车服务质量考核办法(试行)》"


def seed(apps, schema_editor):
    QuotaZone = apps.get_model("hub_quota", "QuotaZone")
    EvaluationWeights = apps.get_model("hub_quota", "EvaluationWeights")
    for city, code, zh, en, districts, weight in ZONES:
        QuotaZone.objects.get_or_create(city_code=city, code=code, defaults={
            "name_zh": zh, "name_en": en, "district_codes": districts, "weight": weight})
    for city in ("350200", "120100"):
        EvaluationWeights.objects.get_or_create(city_code=city, effective_from=dt.date(2019, 1, 1),
                                                defaults={**WEIGHTS, "source": SOURCE})


def unseed(apps, schema_editor):
    apps.get_model("hub_quota", "QuotaZone").objects.all().delete()
    apps.get_model("hub_quota", "EvaluationWeights").objects.filter(created_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [("hub_quota", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
