"""What part of the city an officer may see: a city, and within it a district or the whole city.

Every hub page and API reads through a :class:`Jurisdiction`. A Xiamen officer never sees
Tianjin's subjects, facts, cases or directives; a district officer sees only their district.
Hub operators (``is_staff`` without a regulator profile) run the deployment and see every city.

A record belongs to the districts it happened in; a platform belongs to the districts where it
reported activity (the monitoring read model, kept by intake from the district each fact carries)
and to the place it is registered: the regulator of a platform operator's domicile has
jurisdiction over it (《市场监督管理行政处罚程序规定》第八条: an e-commerce platform operator's
violations fall to the market supervision department of its domicile), and a unified social credit
code carries that place as characters 3 to 8, the registration authority's GB/T 2260 code
(GB 32100-2015, 4.3). So a platform that has not reported any activity yet is still in the
jurisdiction where it is registered, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
    # Filled on first use: the platforms in this jurisdiction (one query per request, not per row).
    _platforms: dict = field(default_factory=dict, compare=False, repr=False)

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

    def filter_scoped(self, queryset: QuerySet, city_field: str = "city_code",
                      district_field: str = "district_code") -> QuerySet:
        """Rows that carry both a city and (for a district bureau's rows) a district, such as
        directives and audit entries: a city officer sees every row of the city, a district officer
        only the rows of their district. Rows of no city are for operators only."""
        if self.city_code is None:
            return queryset
        queryset = queryset.filter(**{city_field: self.city_code})
        if self.district_code:
            queryset = queryset.filter(**{district_field: self.district_code})
        return queryset

    def covers_scoped(self, city_code: str | None, district_code: str | None) -> bool:
        """The test ``filter_scoped`` applies, for one object (a detail page)."""
        if self.city_code is None:
            return True
        if city_code != self.city_code:
            return False
        return not self.district_code or district_code == self.district_code

    def platform_ids(self) -> set[str]:
        """Platforms that reported activity in this jurisdiction or are registered in it."""
        if "ids" not in self._platforms:
            from sharecity.hub.monitoring.selectors import platforms_active_in
            from sharecity.hub.registry.selectors import platforms_registered_in

            if self.city_code is None:
                ids = platforms_active_in(district_codes=None) | platforms_registered_in(division_prefixes=None)
            else:
                ids = platforms_active_in(district_codes=self.district_codes())
                ids |= platforms_registered_in(division_prefixes=self._registration_prefixes())
            self._platforms["ids"] = frozenset(ids)
        return set(self._platforms["ids"])

    def _registration_prefixes(self) -> list[str]:
        # A district bureau: platforms registered by that district's authority. A city: any
        # authority of the city (its own code 350200 or one of its districts', all 3502xx).
        if self.district_code:
            return [self.district_code]
        return [self.city_code[:4]] if self.city_code else []

    def filter_platforms(self, queryset: QuerySet, field: str = "platform_id") -> QuerySet:
        if self.city_code is None:
            return queryset
        return queryset.filter(**{f"{field}__in": sorted(self.platform_ids())})

    def covers_platform(self, platform_id: str) -> bool:
        return self.city_code is None or platform_id in self.platform_ids()

    def platform_names(self) -> dict[str, str]:
        """Registered platforms in this jurisdiction, id -> name (for filters and forms)."""
        from sharecity.hub.registry.selectors import registered_platform_names

        names = registered_platform_names()
        if self.city_code is None:
            return names
        ids = self.platform_ids()
        return {pid: name for pid, name in names.items() if pid in ids}

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


def officer_jurisdiction(request, *, message: str | None = None) -> Jurisdiction:
    """For the hub's APIs: the caller's jurisdiction; a coded 403 (``hub.regulators_only``) for anyone else."""
    from sharecity.kernel.errors import Forbidden

    jurisdiction = jurisdiction_for(request.auth)
    if jurisdiction is None:
        raise Forbidden(message or _("Only regulator staff and hub operators may see this."), field=None,
                        code="hub.regulators_only")
    return jurisdiction


def cities_of(district_codes: Iterable[str]) -> set[str]:
    return {DISTRICTS[code].city_code for code in district_codes if code in DISTRICTS}
