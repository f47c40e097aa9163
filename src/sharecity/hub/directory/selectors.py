"""The city's public platform directory: every registered platform operating in a city, read through the
other duties' selectors (registry, credit, publicity, evaluation). No tables of its own.

What the public sees of a platform is what the law asks a platform to show anyway: its name and unified
social credit code, which is the number of its business licence (GB 32100-2015, 4.1), and the
administrative licences of its business (《中华人民共和国电子商务法》第十五条: an e-commerce operator
keeps its business-licence information and the administrative licences related to its business
displayed on its home page). The exchange carries no licence but the credit code (platform.registered),
so the directory says which licences the city does not know rather than inventing them.

A platform operates in a city when it is registered there or reported activity there
(``Jurisdiction.platform_ids``: the regulator of its domicile and of every district it is active in).
Its credit grade and lists are the ones the public credit lookup shows (``hub.credit.selectors``); its
city recognitions are the designations the city decided (``hub.evaluation``), each with its decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.credit.models import CreditRecord
from sharecity.hub.credit.selectors import enterprise_subjects, grades_for, public_list_status, public_records
from sharecity.hub.evaluation.models import Designation
from sharecity.hub.evaluation.selectors import designations
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.selectors import credit_code_division
from sharecity.kernel.districts import CITIES, DISTRICTS
from sharecity.kernel.errors import NotFound
from sharecity.kernel.timeutil import CITY_TZ

PAGE_SIZE = 50


def today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


@dataclass
class DirectoryEntry:
    platform_id: str
    name: str
    credit_code: str
    sectors: list[str]
    # The registration authority's GB/T 2260 code in the credit code, and its city when it is one we know.
    registered_division: str
    registered_city: str
    cities: list[str]
    registered_at: dt.datetime
    credit_grade: str | None = None
    credit_lists: list[str] = field(default_factory=list)
    designations: list[Designation] = field(default_factory=list)
    public_records: list[CreditRecord] = field(default_factory=list)


def _city_of_division(division: str) -> str:
    if division in DISTRICTS:
        return DISTRICTS[division].city_code
    for code in CITIES:
        if division[:4] == code[:4]:
            return code
    return ""


def _cities_by_platform() -> dict[str, list[str]]:
    cities: dict[str, list[str]] = {}
    for code in CITIES:
        for platform_id in Jurisdiction(city_code=code).platform_ids():
            cities.setdefault(platform_id, []).append(code)
    return cities


def directory_sectors() -> list[str]:
    """Every sector some registered platform declared, for the sector filter."""
    sectors: set[str] = set()
    for declared in RegisteredPlatform.objects.values_list("sectors", flat=True):
        sectors.update(s for s in declared or [] if isinstance(s, str))
    return sorted(sectors)


def _entry(platform: RegisteredPlatform, cities: list[str]) -> DirectoryEntry:
    division = credit_code_division(platform.credit_code)
    return DirectoryEntry(platform_id=platform.platform_id, name=platform.name, credit_code=platform.credit_code,
                          sectors=list(platform.sectors or []), registered_division=division,
                          registered_city=_city_of_division(division), cities=cities,
                          registered_at=platform.registered_at)


def _active_designations(*, platform_ids: set[str], on: dt.date) -> dict[str, list[Designation]]:
    found: dict[str, list[Designation]] = {}
    for code in CITIES:
        for designation in designations(city_code=code).filter(platform_id__in=sorted(platform_ids),
                                                               recognised_on__lte=on):
            if designation.withdrawn_on is None or designation.withdrawn_on > on:
                found.setdefault(designation.platform_id, []).append(designation)
    return found


def directory_list(*, city_code: str = "", sector: str = "", q: str = "") -> list[DirectoryEntry]:
    """Registered platforms operating in ``city_code`` (every city we know when empty), declaring
    ``sector`` (any when empty), whose name or credit code contains ``q``; by name, with their credit
    grade and lists today and their city recognitions."""
    cities = _cities_by_platform()
    platforms = RegisteredPlatform.objects.order_by("name", "platform_id")
    if q:
        platforms = platforms.filter(name__icontains=q) | platforms.filter(credit_code__iexact=q)
    entries = []
    for platform in platforms:
        operating = cities.get(platform.platform_id, [])
        if not operating or (city_code and city_code not in operating):
            continue
        if sector and sector not in (platform.sectors or []):
            continue
        entries.append(_entry(platform, operating))
    _add_credit(entries)
    on = today()
    recognised = _active_designations(platform_ids={e.platform_id for e in entries}, on=on)
    for entry in entries:
        entry.designations = recognised.get(entry.platform_id, [])
    return entries


def _add_credit(entries: list[DirectoryEntry], *, with_records: bool = False) -> None:
    on = today()
    subjects = enterprise_subjects(credit_codes=[e.credit_code for e in entries])
    grades = grades_for(list(subjects.values()), as_of=on)
    for entry in entries:
        subject = subjects.get(entry.credit_code)
        if subject is None:
            continue  # no credit file yet: the city recorded nothing about the platform
        entry.credit_grade = grades[subject.pk]
        entry.credit_lists = public_list_status(subject, today=on)
        if with_records:
            entry.public_records = public_records(subject, today=on)


def directory_entry(*, platform_id: str) -> DirectoryEntry:
    """One platform of the directory with its public credit records; NotFound for a platform that is not
    registered or operates in no city we know."""
    platform = RegisteredPlatform.objects.filter(platform_id=platform_id).first()
    operating = _cities_by_platform().get(platform_id, []) if platform is not None else []
    if platform is None or not operating:
        raise NotFound(_("No such platform in the directory."), field="platform_id", code="directory.not_found")
    entry = _entry(platform, operating)
    _add_credit([entry], with_records=True)
    entry.designations = _active_designations(platform_ids={platform_id}, on=today()).get(platform_id, [])
    return entry
