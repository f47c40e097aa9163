"""Officers, platforms and daily statistics the evaluation tests build on."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from sharecity.hub.monitoring.models import DailyParty, DailyStat
from sharecity.hub.registry.models import RegisteredPlatform
from sharecity.hub.registry.services import regulator_profile_set
from tests import factories


def officer(name: str, *, city: str = "120100", district: str = "", department: str = "天津市商务局",
            kind: str = "commerce"):
    user = factories.make_user(name)
    regulator_profile_set(actor=None, user=user, department=department, department_kind=kind, city_code=city,
                          district_code=district)
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    return user, client


def platform(platform_id: str, name: str, *, division: str, sectors: list[str]) -> RegisteredPlatform:
    return RegisteredPlatform.objects.create(platform_id=platform_id, name=name, sectors=sectors,
                                             credit_code=factories.credit_code(division=division), public_key="k" * 64)


def stat(day: dt.date, district: str, *, platform_id: str = "p-1", sector: str = "parking", **counters) -> DailyStat:
    return DailyStat.objects.create(day=day, platform_id=platform_id, district_code=district, sector=sector,
                                    **counters)


def party(day: dt.date, district: str, key: str, *, income_fen: int = 0, role: str = "provider",
          is_person: bool = True, platform_id: str = "p-1", sector: str = "parking") -> DailyParty:
    return DailyParty.objects.create(day=day, platform_id=platform_id, district_code=district, sector=sector,
                                     role=role, party_key=key, is_person=is_person, orders=1, income_fen=income_fen)


def post(client: Client, url: str, body: dict):
    import json

    return client.post(url, json.dumps(body), content_type="application/json")
