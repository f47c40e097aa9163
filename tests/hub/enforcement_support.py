"""Officers, a registered platform and cases for the enforcement tests."""

from __future__ import annotations

import datetime as dt
import itertools

from django.test import Client

from sharecity.hub.enforcement.services import case_open
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.timeutil import city_datetime
from tests import factories

SIMING, HULI, HEPING = "350203", "350206", "120101"
PROVIDER = "pk-provider-enf-0001"
_complaints = itertools.count(1)


def at(day: str, hour: int = 10) -> dt.datetime:
    return city_datetime(dt.date.fromisoformat(day), dt.time(hour, 0))


def officer(name: str, *, city: str = "350200", district: str = "", kind: str = "market_supervision",
            department: str = "厦门市市场监督管理局"):
    user = factories.make_user(name)
    regulator_profile_set(actor=None, user=user, department=department, department_kind=kind, city_code=city,
                          district_code=district)
    return user


def client_of(user, language: str = "zh-hans") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def platform(platform_id: str = "p-enf-1", name: str = "鹭岛共享停车", *, division: str = SIMING) -> RegisteredPlatform:
    return RegisteredPlatform.objects.create(platform_id=platform_id, name=name, sectors=["parking"],
                                             credit_code=factories.credit_code(division=division),
                                             public_key="k" * 64)


def open_case(actor=None, *, district: str = SIMING, city: str = "350200", subject_kind: str = "business",
              subject_ref: str = PROVIDER, platform_id: str | None = None, source_kind: str = "complaint",
              source_ref: str | None = None, department: str = "market_supervision", summary: str = "未明码标价",
              now: dt.datetime | None = None):
    """A case; each from a complaint of its own unless ``source_ref`` is given (case_open is idempotent
    on its source and subject)."""
    source_ref = f"C-{next(_complaints)}" if source_ref is None else source_ref
    return case_open(actor=actor, city_code=city, district_code=district, department=department,
                     source_kind=source_kind, source_ref=source_ref, subject_kind=subject_kind,
                     subject_ref=subject_ref, platform_id=platform_id, summary=summary, now=now)
