"""Seed data with sources and dates.

Ratio rules: 国家市场监督管理总局《关于推进企业信用风险分类管理进一步提升监管效能的意见》(国市监信发〔2022〕6号,
2022-01-13) 二(四) sets the direction per credit risk class (A: 合理降低 ..., 可不主动实施现场检查 unless a
complaint, a big-data signal or a referred case points to the enterprise; B: 常规比例; C: 适当提高; D: 大幅提高,
必要时主动实施现场检查) and leaves the figures to local rules. The figures below are one county's rule, used as
the default every city starts from: A up to 5%, B 5–20%, C 21–60%, D 61–100% (and on site). A city changes
them by adding rows with a later effective date.

Items: examples from the SAMR random-inspection item list (市场监管总局随机抽查事项清单) for online trade and
from the culture and tourism department's homestay checks; caps of general items are this project's proposal.
"""

import datetime as dt

from django.db import migrations

DOC = "国家市场监督管理总局关于推进企业信用风险分类管理进一步提升监管效能的意见"
NUMBER = "国市监信发〔2022〕6号"
ARTICLE = "二(四)"
DATE = dt.date(2022, 1, 13)

RULES = [
    # class, min bp, max bp, pointed only, on site, note
    ("A", 0, 500, True, False, "示例县级规则：A类不超过5%，除投诉举报、大数据监测、转办交办线索外不主动抽查"),
    ("B", 500, 2000, False, False, "示例县级规则：B类5%–20%（常规比例）"),
    ("C", 2100, 6000, False, False, "示例县级规则：C类21%–60%（适当提高）"),
    ("D", 6100, 10000, False, True, "示例县级规则：D类61%–100%（大幅提高，现场检查）"),
]

ITEMS = [
    # code, department kind, zh, en, kind, cap bp, legal basis
    ("ms-licence-display", "market_supervision", "网络经营者亮照亮证检查", "Online operator shows its licence",
     "key", None, "《网络交易监督管理办法》(国家市场监督管理总局令第37号) 第十二条"),
    ("ms-price-marking", "market_supervision", "明码标价和价格欺诈检查", "Price marking and price fraud",
     "general", 3000, "《明码标价和禁止价格欺诈规定》(国家市场监督管理总局令第56号) 第十九条"),
    ("ms-annual-report", "market_supervision", "年度报告公示信息检查", "Published annual report",
     "general", 2000, "《企业信息公示暂行条例》(国务院令第654号) 第十四条"),
    ("ct-homestay-licence", "culture_tourism", "民宿备案和经营许可检查", "Homestay filing and licence",
     "key", None, "《旅游民宿基本要求与等级划分》(GB/T 41648-2022) 4.1"),
    ("ct-tourist-safety", "culture_tourism", "旅游安全和服务质量检查", "Tourist safety and service quality",
     "general", 3000, "《中华人民共和国旅游法》第七十六条"),
]


def seed(apps, schema_editor):
    RatioRule = apps.get_model("hub_inspection", "RatioRule")
    InspectionItem = apps.get_model("hub_inspection", "InspectionItem")
    for risk_class, low, high, pointed, on_site, note in RULES:
        RatioRule.objects.get_or_create(
            city_code="", risk_class=risk_class, effective_from=DATE,
            defaults={"ratio_min_bp": low, "ratio_max_bp": high, "pointed_only": pointed, "on_site": on_site,
                      "source_document": DOC, "source_number": NUMBER, "source_article": ARTICLE, "note": note})
    for city in ("350200", "120100"):
        for code, department, zh, en, kind, cap, basis in ITEMS:
            InspectionItem.objects.get_or_create(
                city_code=city, code=code,
                defaults={"department_kind": department, "name_zh": zh, "name_en": en, "kind": kind, "cap_bp": cap,
                          "legal_basis": basis})


class Migration(migrations.Migration):
    dependencies = [("hub_inspection", "0001_inspection")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
