"""The city's public platform directory: every registered platform operating in a city, read through the
other duties' selectors (registry, credit, publicity, evaluation). No tables of its own.

What the public sees of a platform is what the law asks a platform to show anyway: its name and unified
social credit code, which is the number of its business licence (GB 32100-2015, 4.1), and the
administrative licences of its business (《中华人民共和国电子商务法》第十五条: an e-commerce operator
keeps its business-licence information and the administrative licences related to its business
displayed on its home page). The platform declares its licences through the exchange
(platform.licences_declared, kept by ``hub.registry``); the directory shows the current set, an expired
licence marked as such, and names the licences the platform's sectors require
(``sharecity.kernel.licences``) that it did not declare valid today. A platform that never declared is
shown as such: the city does not invent licences.

Its evaluations are the quarterly operator evaluations of public-space quotas (``hub.quota``) whose
allocation the city published: the latest per city, with its rank.

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
from sharecity.hub.quota.selectors import published_evaluations
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.selectors import credit_code_division, current_licences
from sharecity.kernel.districts import CITIES, DISTRICTS
from sharecity.kernel.errors import NotFound
from sharecity.kernel.licences import KINDS_BY_CODE, LicenceKind, kind_label, required_kinds
from sharecity.kernel.timeutil import CITY_TZ

PAGE_SIZE = 50


def today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


@dataclass
class LicenceShown:
    kind: str
    kind_label: str
    name: str  # the licence's title: the table's for a known kind, the platform's for another
    number: str
    issued_by: str
    valid_from: dt.date
    valid_until: dt.date | None
    expired: bool
    legal_basis: str


@dataclass
class RequiredLicence:
    kind: str
    name: str
    legal_basis: str


@dataclass
class EvaluationShown:
    city_code: str
    year: int
    quarter: int
    score: str
    rank: int
    ranked: int


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
    # None: the platform never declared its licences through the exchange.
    licences: list[LicenceShown] | None = None
    licences_missing: list[RequiredLicence] = field(default_factory=list)
    evaluations: list[EvaluationShown] = field(default_factory=list)


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


def _licence_shown(licence, *, on: dt.date) -> LicenceShown:
    kind: LicenceKind | None = KINDS_BY_CODE.get(licence.kind)
    return LicenceShown(kind=licence.kind, kind_label=kind_label(licence.kind),
                        name=kind.name_zh if kind is not None else licence.name, number=licence.number,
                        issued_by=licence.issued_by, valid_from=licence.valid_from, valid_until=licence.valid_until,
                        # A licence valid until a day is valid on that day.
                        expired=licence.valid_until is not None and licence.valid_until < on,
                        legal_basis=kind.legal_basis if kind is not None else "")


def _add_licences_and_evaluations(entries: list[DirectoryEntry], *, on: dt.date) -> None:
    ids = [entry.platform_id for entry in entries]
    declared = current_licences(platform_ids=ids)
    evaluations = published_evaluations(platform_ids=ids)
    for entry in entries:
        shown = declared.get(entry.platform_id)
        entry.licences = None if shown is None else [_licence_shown(row, on=on) for row in shown]
        valid = {row.kind for row in entry.licences or [] if not row.expired and row.valid_from <= on}
        entry.licences_missing = [RequiredLicence(kind=kind.code, name=kind.name_zh, legal_basis=kind.legal_basis)
                                  for kind in required_kinds(entry.sectors, on=on) if kind.code not in valid]
        entry.evaluations = [EvaluationShown(city_code=row["city_code"], year=row["year"], quarter=row["quarter"],
                                             score=f"{row['score']:.2f}", rank=row["rank"], ranked=row["ranked"])
                             for row in evaluations.get(entry.platform_id, [])]


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
    _add_licences_and_evaluations(entries, on=on)
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
    on = today()
    entry.designations = _active_designations(platform_ids={platform_id}, on=on).get(platform_id, [])
    _add_licences_and_evaluations([entry], on=on)
    return entry
