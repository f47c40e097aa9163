"""A city with a platform on the exchange, the association's staff, and helpers for the third-party complaint
platform's tests (tests/hub/test_tpc_*.py)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sharecity.exchange.downlink import downlink_pump
from sharecity.exchange.relay import relay_pump
from sharecity.hub.complaints.services import association_staff_set
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.keys import hub_public_keys
from sharecity.kernel.timeutil import city_datetime
from sharecity.market.directives.services import directives_receive
from tests import factories

SIMING, HULI, HEPING = "350203", "350206", "120101"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return city_datetime(dt.date.fromisoformat(day), dt.time(hour, minute))


def png(name: str = "receipt.png", size: int | None = None) -> SimpleUploadedFile:
    body = PNG if size is None else PNG + b"\x00" * (size - len(PNG))
    return SimpleUploadedFile(name, body, content_type="image/png")


def uplink(transport) -> None:
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def downlink(transport):
    relay_pump(transport=transport)
    return downlink_pump(transport=transport, hub_receipt_keys=hub_public_keys, on_directives=directives_receive)


def staff(name: str = "assoc", *, city: str = "350200", association: str = "厦门市共享经济行业协会"):
    user = factories.make_user(name)
    association_staff_set(actor=None, user=user, association=association, city_code=city)
    return user


def client_of(user=None, language: str = "zh-hans") -> Client:
    client = Client(headers={"accept-language": language})
    if user is not None:
        client.force_login(user)
    return client


def filing(platform_id: str, **overrides) -> dict:
    data = {"platform_id": platform_id, "district_code": SIMING, "category": "refund",
            "desired_outcome": "refund", "description": "押金退还申请提交十天仍未退还，客服不回复。",
            "contact": "13800138000"}
    data.update(overrides)
    return data

