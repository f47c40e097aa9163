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
