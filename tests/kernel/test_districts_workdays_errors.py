"""Districts (GB/T 2260), working days on the official holiday calendar, and error rendering."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from sharecity.kernel import workdays
from sharecity.kernel.districts import CITIES, DISTRICTS, district_choices, district_get, district_name
from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound, ShareCityError
from sharecity.kernel.workdays import add_workdays, is_workday, workdays_between

D = dt.date


def test_six_xiamen_and_sixteen_tianjin_districts():
    by_city = {code: [d for d in DISTRICTS.values() if d.city_code == code] for code in CITIES}
    assert len(by_city["350200"]) == 6
    assert len(by_city["120100"]) == 16
    assert all(d.code.startswith("3502") for d in by_city["350200"])
    assert all(d.code.startswith("1201") for d in by_city["120100"])


def test_district_lookup_and_names():
    siming = district_get("350203")
    assert (siming.name_zh, siming.name_en, siming.city.name_zh) == ("思明区", "Siming", "厦门市")
    assert district_get("120116").name_zh == "滨海新区"
    assert district_name("350206", language="zh-hans") == "湖里区"
    assert district_name("350206", language="en") == "Huli"
    assert district_name("999999") == "999999"


def test_unknown_district_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as caught:
        district_get("350201", field="district_code")  # 市辖区: not a district
    assert (caught.value.code, caught.value.field) == ("district.unknown", "district_code")
    assert "350201" in str(caught.value.message)
    assert "GB/T 2260" in str(caught.value.message)


def test_district_choices_list_xiamen_first_in_both_languages():
    zh = district_choices(language="zh-hans")
    en = district_choices(language="en")
    assert len(zh) == len(en) == 22
    assert zh[0] == ("350203", "厦门市 思明区")
    assert en[0] == ("350203", "Siming, Xiamen")
    assert zh[-1][0].startswith("1201")


# --- working days ----------------------------------------------------------------------------


@pytest.mark.parametrize("day", range(1, 9))
def test_national_day_2025_holidays_are_not_workdays(day):
    assert not is_workday(D(2025, 10, day))


def test_weekend_make_up_days_are_workdays():
    assert D(2025, 9, 28).weekday() == 6 and is_workday(D(2025, 9, 28))  # Sunday
    assert D(2025, 10, 11).weekday() == 5 and is_workday(D(2025, 10, 11))  # Saturday
    assert not is_workday(D(2025, 10, 12))  # an ordinary Sunday


def test_add_workdays_skips_the_holiday():
    assert add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_workdays(D(2025, 9, 30), 3) == D(2025, 10, 11)  # Thu, Fri, make-up Saturday
    assert add_workdays(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Friday -> make-up Sunday
    assert add_workdays(D(2025, 9, 30), 0) == D(2025, 9, 30)


def test_add_workdays_refuses_negative_days():
    with pytest.raises(ValueError):
        add_workdays(D(2025, 9, 30), -1)


def test_workdays_between_counts_the_half_open_range():
    assert workdays_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert workdays_between(D(2025, 9, 30), D(2025, 10, 8)) == 0
    assert workdays_between(D(2025, 10, 9), D(2025, 9, 30)) == -1
    assert workdays_between(D(2025, 9, 30), D(2025, 9, 30)) == 0


def test_years_beyond_the_calendar_fall_back_to_monday_to_friday_and_say_so_once(caplog, monkeypatch):
    monkeypatch.setattr(workdays, "_uncovered_years", set())
    friday = D(2099, 1, 2)
    assert friday.weekday() == 4
    with caplog.at_level(logging.WARNING, logger="sharecity.kernel.workdays"):
        assert is_workday(D(2099, 1, 1))  # New Year's Day, unknown to the calendar: a Thursday
        assert not is_workday(D(2099, 1, 3))
        assert add_workdays(friday, 1) == D(2099, 1, 5)
        assert add_workdays(friday, 5) == D(2099, 1, 9)
        assert add_workdays(D(2098, 12, 31), 1) == D(2099, 1, 1)
    warnings = [record.getMessage() for record in caplog.records]
    assert sum("2099" in text for text in warnings) == 1, warnings


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error_class", "code", "status"),
    [(InvalidInput, "invalid", 400), (Forbidden, "forbidden", 403), (NotFound, "not_found", 404),
     (Conflict, "conflict", 409)],
)
def test_errors_render_code_message_field(error_class, code, status):
    error = error_class("名称不能为空", field="name")
    assert isinstance(error, ShareCityError)
    assert error.as_dict() == {"code": code, "message": "名称不能为空", "field": "name"}
    assert error.http_status == status


def test_error_code_can_be_specific_and_field_optional():
    error = Conflict("slot taken", code="parking.slot_taken")
    assert error.as_dict() == {"code": "parking.slot_taken", "message": "slot taken", "field": None}
    assert Conflict("x").code == "conflict"  # the class default is untouched


def test_lazy_translated_messages_render_as_text():
    from django.utils.translation import gettext_lazy, override

    error = InvalidInput(gettext_lazy("This field is required."), field="title")
    with override("en"):
        assert error.as_dict()["message"] == "This field is required."
