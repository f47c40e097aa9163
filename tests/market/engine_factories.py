"""Objects of the general marketplace engine for tests of any context.

``make_listing`` writes a published listing directly (no moderation), so a context's
tests do not depend on the listing services; tests of those services create listings
through them instead.
"""

from __future__ import annotations

from django.utils import timezone

from sharecity.market.catalog.models import Category, PriceUnit
from sharecity.market.listings.models import Listing, ListingStatus
from sharecity.market.listings.text import search_text_for

DEFAULT_CATEGORIES = {
    # code: (sector, name_zh, name_en, default_process, default_unit)
    "lab_instruments": ("lab_instruments", "科研仪器", "Lab instruments", "instant_booking", PriceUnit.HOUR),
    "homestay": ("homestay", "民宿", "Homestays", "request_to_book", PriceUnit.NIGHT),
    "second_hand": ("second_hand", "闲置交易", "Second-hand goods", "purchase_delivery", PriceUnit.ITEM),
    "skills_tasks": ("skills", "知识技能众包", "Skills and crowdsourced tasks", "task_bidding", PriceUnit.ITEM),
    "equipment_rental": ("production_capacity", "设备租赁", "Equipment rental", "rental_deposit", PriceUnit.DAY),
}


def category(code: str = "lab_instruments") -> Category:
    existing = Category.objects.filter(code=code).first()
    if existing is not None:
        return existing
    sector, name_zh, name_en, process, unit = DEFAULT_CATEGORIES.get(
        code, (code, code, code, "instant_booking", PriceUnit.HOUR))
    return Category.objects.create(code=code, sector=sector, name_zh=name_zh, name_en=name_en,
                                   default_process=process, default_unit=unit)


def make_listing(platform, provider, *, category_code: str = "lab_instruments", title: str = "扫描电子显微镜 SEM",
                 description: str = "场发射扫描电镜，可做能谱分析", price_fen: int = 30_000,
                 price_unit: str | None = None, capacity: int = 1, district_code: str = "350203",
                 attributes: dict | None = None, status: str = ListingStatus.PUBLISHED, **fields) -> Listing:
    cat = category(category_code)
    attributes = attributes or {}
    return Listing.objects.create(
        platform=platform, provider=provider, category=cat, title=title, description=description,
        attributes=attributes, district_code=district_code, price_fen=price_fen,
        price_unit=price_unit or cat.default_unit, capacity=capacity, status=status,
        search_text=search_text_for(title=title, description=description, values=attributes.values()),
        published_at=timezone.now() if status == ListingStatus.PUBLISHED else None, **fields,
    )
