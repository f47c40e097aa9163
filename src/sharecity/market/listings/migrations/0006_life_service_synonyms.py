"""Search synonyms for the life-service verticals (data): what people type for ride-hailing, shared bikes,
hairdressing and beauty, laundry, repairs, community shops and long-term rentals."""

from django.db import migrations

SYNONYMS = [
    # search word, words listings use, note
    ("打车", ["网约车", "约车", "用车"], "ride-hailing"),
    ("叫车", ["网约车", "约车"], ""),
    ("专车", ["网约车", "商务型"], ""),
    ("快车", ["网约车", "经济型"], ""),
    ("滴滴", ["网约车"], "a brand name people use for any ride-hailing"),
    ("包车", ["网约车", "用车"], ""),
    ("单车", ["共享单车", "自行车"], ""),
    ("自行车", ["共享单车", "单车"], ""),
    ("电单车", ["电动自行车", "共享单车"], ""),
    ("理发", ["美发", "剪发"], ""),
    ("剪头", ["美发", "剪发"], ""),
    ("发廊", ["美发"], ""),
    ("烫染", ["烫发", "染发"], ""),
    ("美甲", ["生活美容", "美甲"], ""),
    ("做脸", ["面部护理", "生活美容"], ""),
    ("美容院", ["生活美容", "美容"], ""),
    ("干洗", ["洗衣", "洗染"], ""),
    ("洗衣服", ["洗衣", "洗染"], ""),
    ("洗鞋", ["洗染", "洗鞋"], ""),
    ("修空调", ["家电维修", "空调"], ""),
    ("修冰箱", ["家电维修", "冰箱"], ""),
    ("家电", ["家电维修"], ""),
    ("水电", ["居家维修", "水管疏通", "电路维修"], ""),
    ("通下水道", ["水管疏通", "居家维修"], ""),
    ("开锁", ["居家维修", "开锁换锁"], ""),
    ("修理", ["维修"], ""),
    ("买菜", ["社区生鲜食品", "果蔬"], ""),
    ("生鲜", ["社区生鲜食品"], ""),
    ("超市", ["社区零售", "社区日用百货", "社区生鲜食品"], ""),
    ("便利店", ["社区零售", "社区日用百货"], ""),
    ("租房", ["长租房", "长租公寓", "个人房源长租"], "long-term rental, not a night's stay"),
    ("整租", ["长租房", "整租"], ""),
    ("合租", ["长租房", "合租单间"], ""),
    ("月租", ["长租房"], ""),
]


def synonyms_seed(apps, schema_editor):
    SearchSynonym = apps.get_model("market_listings", "SearchSynonym")
    for term, words, note in SYNONYMS:
        SearchSynonym.objects.get_or_create(term=term, defaults={"words": words, "note": note})


class Migration(migrations.Migration):

    dependencies = [
        ("market_listings", "0005_search_synonyms"),
        ("market_catalog", "0004_life_service_verticals"),
    ]

    operations = [migrations.RunPython(synonyms_seed, migrations.RunPython.noop)]
