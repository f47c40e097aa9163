"""Qualifications routes in the tenant walk: each tenant's provider recorded its customer's training."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.catalog.models import Category
from sharecity.market.catalog.seed import INSTRUMENT_QUALIFICATION
from sharecity.market.qualifications.models import Qualification, QualificationRequirement
from sharecity.market.qualifications.services import qualification_record
from tests.market.engine_factories import make_listing

CODE = INSTRUMENT_QUALIFICATION["code"]


def prepare(tenant) -> None:
    Category.objects.update_or_create(code="lab_instruments", defaults={
        "sector": "lab_instruments", "name_zh": "科研仪器", "name_en": "Lab instruments",
        "default_process": "instant_booking", "default_unit": "hour", "licence_rules": [INSTRUMENT_QUALIFICATION]})
    tenant.qualified_listing = make_listing(tenant.platform, tenant.provider, title="共享扫描电镜")
    today = timezone.now().astimezone(CITY_TZ).date()
    tenant.qualification = qualification_record(
        actor=tenant.provider, platform=tenant.platform, holder=tenant.customer, code=CODE, trained_on=today,
        expires_on=today + dt.timedelta(days=90), record_no="SEM-1")


def OBJECT_IDS(tenant):
    return [tenant.qualification.public_id]


BODIES = {
    ("POST", "/p/{platform}/qualifications"): lambda t: {
        "holder_id": str(t.customer.public_id), "code": CODE, "record_no": "越权",
        "trained_on": timezone.now().astimezone(CITY_TZ).date().isoformat(),
        "expires_on": (timezone.now().astimezone(CITY_TZ).date() + dt.timedelta(days=30)).isoformat()},
    ("PUT", "/p/{platform}/qualification-requirements/{listing_id}"): lambda t: {"codes": [CODE]},
}

NOT_FOUND_CODES = ("qualification.holder_not_found",)


def SNAPSHOT(platform):
    return {
        "qualifications": list(Qualification.objects.filter(platform=platform).order_by("pk").values()),
        "qualification_requirements": list(QualificationRequirement.objects.filter(
            listing__platform=platform).order_by("pk").values()),
    }
