"""Seed data with its sources and dates.

Tianjin's 2025 goals from 《天津市人民政府办公厅关于推动生活性服务领域平台经济健康发展的实施意见》
(2023-05-17; the copy in seeds/ bears no document number): 一(二) 发展目标 (200 platform enterprises,
20 regional or functional headquarters, 2 national leaders) and 二(一)-(四) (50 e-commerce, 100 resident-life,
30 culture-tourism-sports, 20 medical-health platforms).

The mapping of the exchange's sector codes to those categories is this project's reading of 二(一)-(四):
e.g. 二(二) names 餐饮、外卖、家政、商超、养老、育幼 and 出行 as resident-life services; 二(三) 酒店住宿 and
在线短租 as culture and tourism. Production services (lab instruments, production capacity, crowdsourced
skills) belong to none of the four.

The default evaluation scheme, in force from the document's date, reads 六(二)'s 平台经济发展情况 as scale
(turnover), growth, supply (active providers), flexible workers' income, service quality (complaints per
1,000 orders, the share of complaints resolved in time); weights are the project's proposal, 100 in all.
"""

import datetime as dt

from django.db import migrations

DOC = "天津市人民政府办公厅关于推动生活性服务领域平台经济健康发展的实施意见"
DATE = dt.date(2023, 5, 17)

TARGETS = [
    # code, zh, en, measure, category, designation kinds, value, article, wording
    ("platforms_total", "汇聚平台企业", "Platform enterprises gathered", "platforms", "", [], 200, "一(二)",
     "汇聚超过200家平台企业"),
    ("headquarters", "区域性总部或功能性总部", "Regional or functional headquarters", "designations", "",
     ["regional_hq", "functional_hq"], 20, "一(二)",
     "引进全国知名生活性服务领域平台企业区域性总部或功能性总部20个"),
    ("national_leaders", "国内领军平台企业", "National leading platform enterprises", "designations", "",
     ["national_leader"], 2, "一(二)", "培育国内领军平台企业2家"),
    ("ecommerce", "互联网销售平台", "E-commerce platforms", "platforms", "ecommerce", [], 50, "二(一)",
     "在津平台主体数量达到50家"),
    ("resident_life", "居民生活服务平台", "Resident life service platforms", "platforms", "resident_life", [], 100,
     "二(二)", "力争汇聚超过100家服务居民生活消费的平台企业"),
    ("culture_tourism_sports", "文旅体育平台", "Culture, tourism and sports platforms", "platforms",
     "culture_tourism_sports", [], 30, "二(三)", "力争汇聚超过30家文旅体育领域平台企业"),
    ("medical_health", "医疗健康平台", "Medical and health platforms", "platforms", "medical_health", [], 20,
     "二(四)", "汇聚超过20家医疗健康领域平台企业"),
]

SECTORS = [
    ("second_hand", "ecommerce", "二(一) 闲置商品电商交易"),
    ("ecommerce", "ecommerce", "二(一) 互联网销售平台"),
    ("live_commerce", "ecommerce", "二(五) 直播电商 (counted with online sales)"),
    ("parking", "resident_life", "二(二) 出行服务"),
    ("bikes", "resident_life", "二(二) 出行服务"),
    ("mobility", "resident_life", "二(二) 出行服务"),
    ("housekeeping", "resident_life", "二(二) 家政"),
    ("elderly_care", "resident_life", "二(二) 养老"),
    ("child_care", "resident_life", "二(二) 育幼"),
    ("catering", "resident_life", "二(二) 餐饮"),
    ("food_delivery", "resident_life", "二(二) 外卖"),
    ("groceries", "resident_life", "二(二) 商超"),
    ("housing", "resident_life", "二(二) 商品房在线交易和租赁"),
    ("homestay", "culture_tourism_sports", "二(三) 在线短租、酒店住宿"),
    ("tourism", "culture_tourism_sports", "二(三) 文旅数字服务"),
    ("culture", "culture_tourism_sports", "二(三) 数字文化"),
    ("sports", "culture_tourism_sports", "二(三) 体育健身类服务平台"),
    ("medical", "medical_health", "二(四) 在线问诊、远程医疗"),
    ("pharmacy", "medical_health", "二(四) 医药电商"),
    ("health", "medical_health", "二(四) 医疗健康平台"),
]

INDICATORS = [
    {"code": "turnover", "source": "turnover_fen", "weight": 20, "direction": "higher",
     "label_zh": "交易额", "label_en": "Turnover"},
    {"code": "turnover_growth", "source": "turnover_growth", "weight": 15, "direction": "higher",
     "label_zh": "交易额环比增长", "label_en": "Turnover growth on the previous quarter"},
    {"code": "active_providers", "source": "active_providers", "weight": 15, "direction": "higher",
     "label_zh": "活跃服务提供者", "label_en": "Active providers"},
    {"code": "worker_income", "source": "income_per_flexible_worker_fen", "weight": 15, "direction": "higher",
     "label_zh": "灵活就业人员人均收入", "label_en": "Income per flexible worker"},
    {"code": "complaint_rate", "source": "complaints_per_1000_orders", "weight": 15, "direction": "lower",
     "label_zh": "每千单投诉数", "label_en": "Complaints per 1,000 orders"},
    {"code": "resolved_in_time", "source": "resolved_in_time_share", "weight": 20, "direction": "higher",
     "label_zh": "投诉按时办结率", "label_en": "Complaints resolved in time"},
]


def seed(apps, schema_editor):
    PolicyTarget = apps.get_model("hub_evaluation", "PolicyTarget")
    SectorCategory = apps.get_model("hub_evaluation", "SectorCategory")
    IndicatorScheme = apps.get_model("hub_evaluation", "IndicatorScheme")
    for code, zh, en, measure, category, kinds, value, article, wording in TARGETS:
        PolicyTarget.objects.update_or_create(city_code="120100", code=code, defaults={
            "name_zh": zh, "name_en": en, "measure": measure, "category": category, "designation_kinds": kinds,
            "target_value": value, "target_year": 2025, "baseline_date": DATE, "source_document": DOC,
            "source_number": "", "source_article": article, "source_text": wording})
    for sector, category, source in SECTORS:
        SectorCategory.objects.update_or_create(city_code="", sector=sector,
                                                defaults={"category": category, "source": source})
    if not IndicatorScheme.objects.filter(city_code="").exists():
        IndicatorScheme.objects.create(city_code="", effective_from=DATE, indicators=INDICATORS,
                                       negative_threshold="30.00",
                                       note=f"《{DOC}》六(二): 综合评价，按季度进行通报")


def unseed(apps, schema_editor):
    apps.get_model("hub_evaluation", "PolicyTarget").objects.filter(city_code="120100", created_by=None).delete()
    apps.get_model("hub_evaluation", "SectorCategory").objects.filter(city_code="").delete()
    apps.get_model("hub_evaluation", "IndicatorScheme").objects.filter(city_code="", created_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [("hub_evaluation", "0001_evaluation")]
    operations = [migrations.RunPython(seed, unseed)]
