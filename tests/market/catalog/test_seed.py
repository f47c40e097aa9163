"""The seeded tree: every vertical of issue 3, usable leaves, and the codes other contexts rely on."""

import re

import pytest

from sharecity.market.catalog import selectors
from sharecity.market.catalog.fields import FIELD_TYPES, definition_clean
from sharecity.market.catalog.models import Category
from sharecity.market.catalog.seed import PROCESSES, VERTICALS
from sharecity.market.catalog.services import catalog_seed
from tests.market.engine_factories import DEFAULT_CATEGORIES

pytestmark = pytest.mark.django_db


def test_every_vertical_of_the_issue_has_a_top_level_category_with_leaves():
    for name_zh, code in VERTICALS.items():
        top = Category.objects.get(code=code)
        assert top.parent is None
        assert name_zh.split("/")[0] in top.name_zh, name_zh
        assert top.children.exists(), f"{code} has no leaves"


def test_named_production_capacities_are_leaves():
    production = Category.objects.get(code="production")
    names = set(production.children.values_list("name_zh", flat=True))
    assert {"数控加工", "注塑成型", "3D打印"} <= names


def test_every_leaf_has_a_process_a_unit_and_well_formed_fields():
    leaves = Category.objects.filter(parent__isnull=False)
    assert leaves.count() >= 25
    for leaf in leaves:
        assert leaf.default_process in PROCESSES, leaf.code
        assert leaf.attribute_schema, leaf.code
        names = []
        for definition in leaf.attribute_schema:
            assert definition["type"] in FIELD_TYPES
            # Each seeded definition passes the same check an operator's field does.
            definition_clean(definition, taken=names)
            names.append(definition["name"])
        for rule in leaf.licence_rules:
            assert rule["holder"] in ("listing", "provider", "customer")
            assert rule["legal_reference"]
            if rule["pattern"]:
                re.compile(rule["pattern"])


def test_engine_factory_codes_match_the_seed():
    for code, (sector, _name_zh, _name_en, process, unit) in DEFAULT_CATEGORIES.items():
        category = Category.objects.get(code=code)
        assert (category.sector, category.default_process, category.default_unit) == (sector, process, unit), code
        assert category.parent is not None


@pytest.mark.parametrize(("code", "licence", "holder"), [
    ("homestay", "special_industry_licence", "listing"),
    ("house_cleaning", "health_certificate", "provider"),
    ("elderly_home_care", "health_certificate", "provider"),
    ("childcare_centre", "health_certificate", "provider"),
    ("meal_delivery", "food_business_licence", "listing"),
    ("online_consultation", "physician_practising_certificate", "provider"),
    ("lab_instruments", "instrument_user_qualification", "customer"),
    ("vocational_training", "school_running_permit", "provider"),
])
def test_licences_chinese_law_requires(code, licence, holder, platform):
    rules = selectors.licence_rules(category=Category.objects.get(code=code), platform=platform)
    assert (licence, holder) in [(r["code"], r["holder"]) for r in rules]


def test_food_licence_pattern_accepts_a_real_number_format():
    rule = next(r for r in Category.objects.get(code="meal_delivery").licence_rules
                if r["code"] == "food_business_licence")
    assert re.search(rule["pattern"], "JY13502030012345")
    assert not re.search(rule["pattern"], "食品经营许可证123")


def test_seeding_again_changes_nothing():
    before = list(Category.objects.order_by("code").values_list("code", "parent__code", "attribute_schema"))
    assert catalog_seed() == 0
    after = list(Category.objects.order_by("code").values_list("code", "parent__code", "attribute_schema"))
    assert before == after


@pytest.mark.django_db
def test_the_health_certificate_of_domestic_and_care_work_cites_the_notice_that_sets_the_check():
    """商服贸规函〔2020〕191号 (2020-06-23) set the graded health check of domestic workers; 国办发〔2019〕30号
    only asked for one. Every category asking the certificate of its providers cites the notice."""
    from sharecity.market.catalog.models import Category

    cited = {}
    for category in Category.objects.filter(code__in=["house_cleaning", "nanny", "elderly_home_care",
                                                      "elderly_day_care"]):
        [rule] = [r for r in category.licence_rules if r["code"] == "health_certificate"]
        cited[category.code] = rule["legal_reference"]
    assert len(cited) == 4
    assert all("商服贸规函〔2020〕191号" in text and "国办发〔2019〕30号" not in text for text in cited.values())


@pytest.mark.django_db
def test_a_database_seeded_before_gets_the_corrected_citation():
    import importlib

    from django.apps import apps

    from sharecity.market.catalog.models import Category

    category = Category.objects.get(code="house_cleaning")
    old = "《国务院办公厅关于促进家政服务业提质扩容的意见》（国办发〔2019〕30号）"
    category.licence_rules = [{**rule, "legal_reference": old} if rule["code"] == "health_certificate" else rule
                              for rule in category.licence_rules]
    category.save(update_fields=["licence_rules"])
    importlib.import_module("sharecity.market.catalog.migrations.0003_health_check_basis").cite(apps, None)
    category.refresh_from_db()
    [rule] = [r for r in category.licence_rules if r["code"] == "health_certificate"]
    assert rule["legal_reference"].startswith("《商务部 国家卫生健康委员会关于建立家政服务员分类体检制度的通知》")


# --- the life-service verticals -------------------------------------------------------------------------------

LIFE_SERVICES = ("ride_hailing", "bike_sharing", "beauty", "laundry", "repair", "community_retail", "long_term_rental")


def test_each_life_service_vertical_is_a_sector_with_leaves_in_chinese_and_english():
    from sharecity.market.platforms.models import Sector

    for code in LIFE_SERVICES:
        top = Category.objects.get(code=code, parent__isnull=True)
        assert top.sector == code and code in Sector.values
        for leaf in top.children.all():
            assert leaf.sector == code and leaf.name_zh and leaf.name_en and leaf.default_process in PROCESSES


@pytest.mark.parametrize(("code", "licence", "holder", "source"), [
    ("ride_hailing_trip", "ride_hailing_vehicle_permit", "listing", "第十三条"),
    ("ride_hailing_trip", "ride_hailing_driver_permit", "provider", "第十五条"),
    ("hair_salon", "public_place_hygiene_licence", "listing", "第四条"),
    ("beauty_salon", "health_certificate", "provider", "第七条"),
    ("community_grocery", "food_business_licence", "listing", "第三十五条"),
    ("rental_apartment", "rent_escrow_account", "provider", "国务院令第812号"),
])
def test_the_life_services_ask_the_licences_their_law_names(code, licence, holder, source, platform):
    rules = selectors.licence_rules(category=Category.objects.get(code=code), platform=platform)
    [rule] = [r for r in rules if (r["code"], r["holder"]) == (licence, holder)]
    assert source in rule["legal_reference"]


def test_only_the_grocery_side_of_community_retail_asks_the_food_licence(platform):
    """食品安全法 第三十五条: selling only farm produce or prepackaged food needs no licence; everyday goods none."""
    assert selectors.licence_rules(category=Category.objects.get(code="community_goods"), platform=platform) == []
    assert selectors.licence_rules(category=Category.objects.get(code="laundry_service"), platform=platform) == []


def test_a_ride_hailing_car_has_seven_seats_at_most_and_its_driver_three_years_of_driving(platform):
    """网约车办法 第十二条(一): 7座及以下乘用车; 第十四条(一): 3年以上驾驶经历."""
    from sharecity.market.catalog.errors import InvalidAttribute
    from sharecity.market.catalog.services import attributes_clean

    category = Category.objects.get(code="ride_hailing_trip")
    good = {"vehicle_class": "comfort", "seats": 7, "plate_number": "闽D5A2K8", "driving_years": 3}
    assert attributes_clean(category=category, platform=platform, values=good)["seats"] == 7
    for name, value in (("seats", 8), ("driving_years", 2), ("plate_number", "ABC")):
        with pytest.raises(InvalidAttribute) as refused:
            attributes_clean(category=category, platform=platform, values={**good, name: value})
        assert refused.value.field == f"attributes.{name}"


def test_the_rental_homes_ask_the_deposit_terms_the_contract_must_state():
    """住房租赁条例 (国务院令第812号) 第十条: the deposit's amount, return and deductions are in the contract."""
    for code in ("rental_home", "rental_apartment"):
        required = {f["name"] for f in Category.objects.get(code=code).attribute_schema if f.get("required")}
        assert {"deposit_months", "deposit_deductions", "lease_months_min"} <= required


def test_the_life_service_synonyms_are_seeded():
    from sharecity.market.listings.models import SearchSynonym

    seeded = dict(SearchSynonym.objects.values_list("term", "words"))
    assert "网约车" in seeded["打车"] and "美发" in seeded["理发"] and "长租房" in seeded["租房"]
    assert "家电维修" in seeded["修空调"] and "洗染" in seeded["干洗"] and "共享单车" in seeded["单车"]
