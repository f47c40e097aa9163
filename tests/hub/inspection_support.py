"""A small city for the inspection tests: officers, inspectors, and providers with listings whose credit
files give them the risk class asked for (through real credit records, scored by hub.credit)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from sharecity.hub.credit.models import CreditSubject, RecordKind, SubjectKind
from sharecity.hub.credit.services import credit_record_add, credit_subject_ensure
from sharecity.hub.facts.models import ListingFact
from sharecity.hub.inspection import services
from sharecity.hub.inspection.models import InspectionPlan
from tests.hub.evaluation_support import officer as _officer

_numbers = itertools.count(1)
TODAY = dt.date(2026, 12, 7)


def officer(name: str, *, city: str = "350200", district: str = "", kind: str = "market_supervision",
            department: str = "厦门市市场监督管理局"):
    return _officer(name, city=city, district=district, department=department, kind=kind)


def provider(district: str, risk_class: str, *, platform_id: str = "", sector: str = "homestay") -> CreditSubject:
    """A provider with a listing in ``district`` whose credit file grades ``risk_class`` (A–D)."""
    n = next(_numbers)
    key = f"pk-inspection-{n:05d}"
    subject = credit_subject_ensure(kind=SubjectKind.PERSON, identifier=key, district_code=district,
                                    platform_id=platform_id)
    city = district[:4] + "00"
    ListingFact.objects.create(platform_id=platform_id or "p-test", district_code=district, city_code=city,
                               listing_id=f"l-{n}", category=sector, provider_key=key, title="民宿",
                               published_at=timezone.now())
    day = dt.date(2026, 6, 1)
    if risk_class == "A":
        credit_record_add(subject=subject, kind=RecordKind.VERIFICATION, title="实名", decided_on=day, polarity=1,
                          source_type="test", source_id=f"v{n}")
        credit_record_add(subject=subject, kind=RecordKind.REVIEWS, title="评价", decided_on=day, polarity=1,
                          source_type="test", source_id=f"r{n}", detail={"mean": 4.9, "count": 20})
    elif risk_class in ("C", "D"):
        for i in range(1 if risk_class == "C" else 2):
            credit_record_add(subject=subject, kind=RecordKind.PENALTY, title="处罚", decided_on=day,
                              severity="serious", polarity=-1, source_type="test", source_id=f"p{n}-{i}")
    return subject


def inspectors(actor, count: int, *, residence: str = "350203", prefix: str = "XM") -> list:
    return [services.inspector_add(actor=actor, name=f"检查员{i}", badge=f"{prefix}{next(_numbers):05d}",
                                   residence_district_code=residence) for i in range(count)]


def plan(actor, **overrides) -> InspectionPlan:
    fields = {"title": "民宿双随机抽查", "departments": ["market_supervision"], "districts": ["350203"],
              "item_codes": ["ms-licence-display", "ms-price-marking"], "period_start": TODAY,
              "period_end": TODAY + dt.timedelta(days=60), "sector": "homestay"}
    fields.update(overrides)
    return services.plan_create(actor=actor, **fields)


def drawn_plan(actor, **overrides) -> InspectionPlan:
    made = plan(actor, **overrides)
    services.plan_commit(actor=actor, plan_id=made.pk)
    services.plan_draw(actor=actor, plan_id=made.pk)
    return services.plan_reveal(actor=actor, plan_id=made.pk)


def ensure_seeds() -> None:
    """The ratio rules and items migration 0002 seeds: a transactional test's flush removes them, so a
    transactional test puts them back (the migration's own function, idempotent)."""
    import importlib

    from django.apps import apps

    importlib.import_module("sharecity.hub.inspection.migrations.0002_ratio_rules_and_items").seed(apps, None)
