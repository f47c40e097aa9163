"""An operator's settings of the catalog: enabling categories, adding fields, choosing the process."""

import pytest
from django.urls import reverse

from sharecity.kernel.models import AuditEvent
from sharecity.market.catalog import selectors
from sharecity.market.catalog.errors import FieldNameTaken, InvalidAttribute, InvalidFieldDefinition, NotOperator
from sharecity.market.catalog.models import Category
from sharecity.market.catalog.services import (
    attributes_clean,
    platform_category_enable,
    platform_category_field_add,
    platform_category_field_remove,
    platform_category_process_set,
)
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

LOAD = {"name": "max_load_kg", "label_zh": "最大载重", "label_en": "Max. load", "type": "int", "unit": "kg",
        "required": True, "min": 1, "max": 5000}
RENTAL_OK = {"equipment_type": "叉车"}


def rental():
    return Category.objects.get(code="equipment_rental")


def test_a_new_platform_has_no_category_enabled_until_its_operator_enables_one(platform, operator):
    assert selectors.categories_enabled(platform=platform) == []
    platform_category_enable(actor=operator, platform=platform, category=rental(), enabled=True)
    assert selectors.categories_enabled(platform=platform) == [rental()]
    assert AuditEvent.objects.filter(action="catalog.category_enabled", target_id="equipment_rental",
                                     platform_id=platform.exchange_id).exists()
    platform_category_enable(actor=operator, platform=platform, category=rental(), enabled=False)
    assert selectors.categories_enabled(platform=platform) == []


def test_enabling_a_top_level_category_with_its_children(platform, operator):
    production = Category.objects.get(code="production")
    platform_category_enable(actor=operator, platform=platform, category=production, enabled=True, with_children=True)
    enabled = {c.code for c in selectors.categories_enabled(platform=platform)}
    assert {"production", "cnc_machining", "injection_moulding", "printing_3d", "equipment_rental"} <= enabled
    assert "homestay" not in enabled


def test_an_added_field_is_required_and_checked_on_that_platform_only(platform, operator):
    other = factories.make_platform()
    platform_category_field_add(actor=operator, platform=platform, category=rental(), field=LOAD)

    names = [f["name"] for f in selectors.attribute_fields(category=rental(), platform=platform)]
    assert names[-1] == "max_load_kg"
    with pytest.raises(InvalidAttribute) as missing:
        attributes_clean(category=rental(), platform=platform, values=RENTAL_OK)
    assert missing.value.field == "attributes.max_load_kg" and "required" in missing.value.message
    with pytest.raises(InvalidAttribute) as too_heavy:
        attributes_clean(category=rental(), platform=platform, values={**RENTAL_OK, "max_load_kg": "9000"})
    assert "at most 5000 kg" in too_heavy.value.message
    assert attributes_clean(category=rental(), platform=platform,
                            values={**RENTAL_OK, "max_load_kg": "3000"})["max_load_kg"] == 3000

    # The other platform neither asks for it nor accepts it.
    assert "max_load_kg" not in [f["name"] for f in selectors.attribute_fields(category=rental(), platform=other)]
    assert attributes_clean(category=rental(), platform=other, values=RENTAL_OK) == RENTAL_OK
    with pytest.raises(InvalidAttribute):
        attributes_clean(category=rental(), platform=other, values={**RENTAL_OK, "max_load_kg": "3000"})


def test_removing_an_added_field(platform, operator):
    platform_category_field_add(actor=operator, platform=platform, category=rental(), field=LOAD)
    platform_category_field_remove(actor=operator, platform=platform, category=rental(), name="max_load_kg")
    assert attributes_clean(category=rental(), platform=platform, values=RENTAL_OK) == RENTAL_OK


@pytest.mark.parametrize(("change", "field"), [
    ({"name": "Max Load"}, "name"),
    ({"name": "x"}, "name"),
    ({"type": "colour"}, "type"),
    ({"type": "choice", "choices": ["only"]}, "choices"),
    ({"min": 10, "max": 1}, "min"),
    ({"type": "text", "min": None, "max": None, "pattern": "(["}, "pattern"),
    ({"type": "int", "pattern": "^a$"}, "pattern"),
    ({"label_zh": "", "label_en": ""}, "label_zh"),
])
def test_a_broken_field_definition_is_refused(platform, operator, change, field):
    definition = {**LOAD, **change}
    with pytest.raises(InvalidFieldDefinition) as caught:
        platform_category_field_add(actor=operator, platform=platform, category=rental(), field=definition)
    assert caught.value.field == field


def test_a_field_name_the_category_already_has_is_refused(platform, operator):
    with pytest.raises(FieldNameTaken):
        platform_category_field_add(actor=operator, platform=platform, category=rental(),
                                    field={**LOAD, "name": "power_kw"})
    platform_category_field_add(actor=operator, platform=platform, category=rental(), field=LOAD)
    with pytest.raises(FieldNameTaken):
        platform_category_field_add(actor=operator, platform=platform, category=rental(), field=LOAD)


def test_the_operator_chooses_the_process_of_a_category(platform, operator):
    other = factories.make_platform()
    assert selectors.process_for(category=rental(), platform=platform) == "rental_deposit"
    platform_category_process_set(actor=operator, platform=platform, category=rental(), process="request_to_book")
    assert selectors.process_for(category=rental(), platform=platform) == "request_to_book"
    assert selectors.process_for(category=rental(), platform=other) == "rental_deposit"
    platform_category_process_set(actor=operator, platform=platform, category=rental(), process="")
    assert selectors.process_for(category=rental(), platform=platform) == "rental_deposit"


def test_only_an_operator_of_the_platform_changes_its_settings(platform):
    stranger = factories.make_user()
    with pytest.raises(NotOperator):
        platform_category_enable(actor=stranger, platform=platform, category=rental(), enabled=True)
    assert selectors.categories_enabled(platform=platform) == []


# --- the screen ------------------------------------------------------------------------------


def test_non_operators_get_403(client, platform):
    client.force_login(factories.make_user())
    assert client.get(reverse("catalog:settings", args=[platform.slug])).status_code == 403
    response = client.post(reverse("catalog:enable", args=[platform.slug, "homestay"]), {"enabled": "1"})
    assert response.status_code == 403
    assert selectors.categories_enabled(platform=platform) == []


def test_operator_of_another_platform_gets_403(client, platform, operator):
    other = factories.make_platform()
    client.force_login(operator)
    assert client.get(reverse("catalog:settings", args=[other.slug])).status_code == 403


def test_operator_toggles_a_category_with_htmx(client, platform, operator):
    client.force_login(operator)
    page = client.get(reverse("catalog:settings", args=[platform.slug]))
    assert page.status_code == 200
    assert 'data-category="homestay"' in page.content.decode()
    response = client.post(reverse("catalog:enable", args=[platform.slug, "homestay"]), {"enabled": "1"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert '<tr data-category="homestay" class="enabled">' in response.content.decode()
    assert [c.code for c in selectors.categories_enabled(platform=platform)] == ["homestay"]


def test_operator_adds_a_field_and_chooses_a_process_on_the_screen(client, platform, operator):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages are asserted in English
    client.force_login(operator)
    url = reverse("catalog:field_add", args=[platform.slug, "equipment_rental"])
    response = client.post(url, {"name": "max_load_kg", "label_zh": "最大载重", "label_en": "Max. load",
                                 "type": "int", "unit": "kg", "required": "on", "min": "1", "max": "5000"})
    assert response.status_code == 302
    page = client.get(reverse("catalog:category", args=[platform.slug, "equipment_rental"]))
    assert 'data-field="max_load_kg"' in page.content.decode()
    with pytest.raises(InvalidAttribute):
        attributes_clean(category=rental(), platform=platform, values=RENTAL_OK)

    clash = client.post(url, {"name": "power_kw", "label_zh": "功率", "type": "int"})
    assert clash.status_code == 409
    assert "already has a field named power_kw" in clash.content.decode()

    client.post(reverse("catalog:process_set", args=[platform.slug, "equipment_rental"]),
                {"process": "instant_booking"})
    assert selectors.process_for(category=rental(), platform=platform) == "instant_booking"
