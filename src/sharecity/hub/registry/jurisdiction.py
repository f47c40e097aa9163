"""What part of the city an officer may see: a city, and within it a district or the whole city.

Every hub page and API reads through a :class:`Jurisdiction`. A Xiamen officer never sees
Tianjin's subjects, facts, cases or directives; a district officer sees only their district.
Hub operators (``is_staff`` without a regulator profile) run the deployment and see every city.

A record belongs to the districts it happened in; a platform belongs to the districts where it
reported activity (the monitoring read model, kept by intake from the district each fact carries).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sharecity.kernel.districts import CITIES, DISTRICTS


@dataclass(frozen=True)
class Jurisdiction:
    # None: every city (a hub operator). Otherwise a GB/T 2260 city code such as 350200.
    city_code: str | None
    # None: the whole city. Otherwise one district of ``city_code``.
    district_code: str | None = None
    department_kind: str = ""
    department: str = ""
    user_id: int | None = None

    @property
    def is_operator(self) -> bool:
        return self.city_code is None

    @property
    def is_city_level(self) -> bool:
        return self.city_code is not None and self.district_code is None

    def district_codes(self) -> list[str]:
        """The district codes this jurisdiction covers (every known district for an operator)."""
        if self.district_code:
            return [self.district_code]
        return [code for code, district in DISTRICTS.items()
                if self.city_code is None or district.city_code == self.city_code]

    def covers_district(self, code: str | None) -> bool:
        if self.city_code is None:
            return True
        return bool(code) and code in self.district_codes()

    def covers_city(self, city_code: str | None) -> bool:
        return self.city_code is None or city_code == self.city_code

    def filter_districts(self, queryset: QuerySet, field: str = "district_code") -> QuerySet:
        """Rows whose ``field`` (a district code) lies in this jurisdiction. Operators see all rows,
        including those without a known district; officers only rows in their districts."""
        if self.city_code is None:
            return queryset
        return queryset.filter(**{f"{field}__in": self.district_codes()})

    def filter_cities(self, queryset: QuerySet, field: str = "city_code") -> QuerySet:
        """Rows that belong to a whole city (directives, lists): a district officer sees their city's."""
        if self.city_code is None:
            return queryset
        return queryset.filter(**{field: self.city_code})

    def platform_ids(self) -> set[str]:
        """Platforms that reported activity in this jurisdiction."""
        from sharecity.hub.monitoring.selectors import platforms_active_in

        return platforms_active_in(district_codes=None if self.city_code is None else self.district_codes())

    def filter_platforms(self, queryset: QuerySet, field: str = "platform_id") -> QuerySet:
        if self.city_code is None:
            return queryset
        return queryset.filter(**{f"{field}__in": sorted(self.platform_ids())})

    def covers_platform(self, platform_id: str) -> bool:
        return self.city_code is None or platform_id in self.platform_ids()

    def label(self, *, language: str = "zh-hans") -> str:
        zh = language.startswith("zh")
        if self.city_code is None:
            return "全部城市" if zh else "All cities"
        city = CITIES.get(self.city_code)
        name = (city.name_zh if zh else city.name_en) if city else self.city_code
        if self.district_code and self.district_code in DISTRICTS:
            district = DISTRICTS[self.district_code]
            return f"{name} {district.name_zh}" if zh else f"{district.name_en}, {name}"
        return name


def jurisdiction_for(user) -> Jurisdiction | None:
    """The user's jurisdiction, or None for someone who is neither regulator nor hub operator."""
    if not getattr(user, "is_authenticated", False):
        return None
    from sharecity.hub.registry.selectors import regulator_profile_for

    profile = regulator_profile_for(user)
    if profile is not None:
        return Jurisdiction(city_code=profile.city_code, district_code=profile.district_code or None,
                            department_kind=profile.department_kind, department=profile.department, user_id=user.pk)
    if user.is_staff:
        return Jurisdiction(city_code=None, user_id=user.pk)
    return None


def jurisdiction_required(user, *, message: str | None = None) -> Jurisdiction:
    """The user's jurisdiction; PermissionDenied (403) for anyone else."""
    jurisdiction = jurisdiction_for(user)
    if jurisdiction is None:
        raise PermissionDenied(message or _("Only regulator staff and hub operators may see this page."))
    return jurisdiction


def cities_of(district_codes: Iterable[str]) -> set[str]:
    return {DISTRICTS[code].city_code for code in district_codes if code in DISTRICTS}
