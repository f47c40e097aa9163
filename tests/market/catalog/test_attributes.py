"""A listing's attribute values: typed from form strings, each rule enforced, the field named."""

import pytest

from sharecity.market.catalog.errors import InvalidAttribute
from sharecity.market.catalog.models import Category
from sharecity.market.catalog.services import attributes_clean

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

CNC_OK = {"machine_type": "mill_5axis", "materials": "aluminium,titanium", "max_part_mm": "800",
          "tolerance_mm": "0.01", "lead_time_days": "7"}


def clean(code, values, platform):
    return attributes_clean(category=Category.objects.get(code=code), platform=platform, values=values)


def refused(code, values, platform) -> InvalidAttribute:
    with pytest.raises(InvalidAttribute) as caught:
        clean(code, values, platform)
    return caught.value


def test_form_strings_become_typed_values(platform):
    cleaned = clean("cnc_machining", CNC_OK, platform)
    assert cleaned == {"machine_type": "mill_5axis", "materials": ["aluminium", "titanium"], "max_part_mm": 800,
                       "tolerance_mm": 0.01, "lead_time_days": 7}


@pytest.mark.parametrize(("raw", "expected"), [("on", True), ("true", True), ("是", True), ("0", False),
                                               ("no", False), (True, True)])
def test_yes_no_from_forms(platform, raw, expected):
    values = {"vehicle_size": "small", "ev_charging": raw}
    assert clean("offpeak_parking", values, platform)["ev_charging"] is expected


def test_optional_empty_fields_are_left_out(platform):
    cleaned = clean("offpeak_parking", {"vehicle_size": "small", "height_limit_m": "", "covered": None}, platform)
    assert cleaned == {"vehicle_size": "small"}


def test_missing_required_field(platform):
    error = refused("cnc_machining", {k: v for k, v in CNC_OK.items() if k != "max_part_mm"}, platform)
    assert error.field == "attributes.max_part_mm"
    assert "required" in error.message


def test_whole_number_refuses_a_fraction_and_words(platform):
    assert "whole number" in refused("cnc_machining", {**CNC_OK, "max_part_mm": "80.5"}, platform).message
    assert "whole number" in refused("cnc_machining", {**CNC_OK, "max_part_mm": "很大"}, platform).message


def test_minimum_and_maximum_name_the_bound_and_unit(platform):
    low = refused("cnc_machining", {**CNC_OK, "max_part_mm": "0"}, platform)
    assert low.field == "attributes.max_part_mm" and "at least 1 mm" in low.message
    high = refused("cnc_machining", {**CNC_OK, "tolerance_mm": "2"}, platform)
    assert high.field == "attributes.tolerance_mm" and "at most 1 mm" in high.message


def test_choice_outside_the_allowed_values(platform):
    error = refused("cnc_machining", {**CNC_OK, "machine_type": "laser"}, platform)
    assert error.field == "attributes.machine_type"
    assert "mill_5axis" in error.message


def test_one_bad_item_of_a_multichoice(platform):
    error = refused("cnc_machining", {**CNC_OK, "materials": ["aluminium", "wood"]}, platform)
    assert error.field == "attributes.materials"


def test_text_longer_than_allowed(platform):
    values = {"instrument_type": "sem", "model": "X" * 81, "institution": "厦门大学"}
    error = refused("lab_instruments", values, platform)
    assert error.field == "attributes.model" and "80 characters" in error.message


def test_text_pattern(platform):
    values = {"technology": "sla", "build_volume_mm": "200×200×250", "materials": "resin", "delivery": "courier"}
    assert clean("printing_3d", values, platform)["build_volume_mm"] == "200×200×250"
    error = refused("printing_3d", {**values, "build_volume_mm": "about 20 cm"}, platform)
    assert error.field == "attributes.build_volume_mm" and "format" in error.message


def test_unknown_field_is_refused(platform):
    error = refused("cnc_machining", {**CNC_OK, "colour": "red"}, platform)
    assert error.field == "attributes.colour"
    assert "not a field" in error.message


def test_a_boolean_is_not_a_number(platform):
    assert refused("cnc_machining", {**CNC_OK, "max_part_mm": True}, platform).field == "attributes.max_part_mm"
