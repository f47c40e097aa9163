"""County-level districts (GB/T 2260) of the two cities whose plans ShareCity implements."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sharecity.kernel.errors import InvalidInput


@dataclass(frozen=True)
class District:
    code: str
    name_zh: str
    name_en: str
    city_code: str

    @property
    def city(self) -> City:
        return CITIES[self.city_code]


@dataclass(frozen=True)
class City:
    code: str
    name_zh: str
    name_en: str


CITIES: dict[str, City] = {
    "350200": City("350200", "厦门市", "Xiamen"),
    "120100": City("120100", "天津市", "Tianjin"),
}

_DISTRICT_ROWS = [
    ("350203", "思明区", "Siming", "350200"),
    ("350205", "海沧区", "Haicang", "350200"),
    ("350206", "湖里区", "Huli", "350200"),
    ("350211", "集美区", "Jimei", "350200"),
    ("350212", "同安区", "Tong'an", "350200"),
    ("350213", "翔安区", "Xiang'an", "350200"),
    ("120101", "和平区", "Heping", "120100"),
    ("120102", "河东区", "Hedong", "120100"),
    ("120103", "河西区", "Hexi", "120100"),
    ("120104", "南开区", "Nankai", "120100"),
    ("120105", "河北区", "Hebei", "120100"),
    ("120106", "红桥区", "Hongqiao", "120100"),
    ("120110", "东丽区", "Dongli", "120100"),
    ("120111", "西青区", "Xiqing", "120100"),
    ("120112", "津南区", "Jinnan", "120100"),
    ("120113", "北辰区", "Beichen", "120100"),
    ("120114", "武清区", "Wuqing", "120100"),
    ("120115", "宝坻区", "Baodi", "120100"),
    ("120116", "滨海新区", "Binhai New Area", "120100"),
    ("120117", "宁河区", "Ninghe", "120100"),
    ("120118", "静海区", "Jinghai", "120100"),
    ("120119", "蓟州区", "Jizhou", "120100"),
]

DISTRICTS: dict[str, District] = {row[0]: District(*row) for row in _DISTRICT_ROWS}


def district_get(code: str, *, field: str = "district") -> District:
    try:
        return DISTRICTS[str(code)]
    except KeyError:
        raise InvalidInput(
            _("Unknown district code %(code)s: use a GB/T 2260 code of a Xiamen or Tianjin district.") % {"code": code},
            field=field,
            code="district.unknown",
        ) from None


def district_name(code: str, *, language: str = "zh-hans") -> str:
    district = DISTRICTS.get(code)
    if district is None:
        return code
    return district.name_zh if language.startswith("zh") else district.name_en


def district_choices(*, language: str = "zh-hans") -> list[tuple[str, str]]:
    """Choices grouped by city order: Xiamen first, then Tianjin."""
    choices = []
    for district in DISTRICTS.values():
        city = district.city
        if language.startswith("zh"):
            label = f"{city.name_zh} {district.name_zh}"
        else:
            label = f"{district.name_en}, {city.name_en}"
        choices.append((district.code, label))
    return choices
