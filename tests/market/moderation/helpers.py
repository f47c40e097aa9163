"""Test data for listings and moderation: a homestay category with a licence rule, an operator."""

from __future__ import annotations

from sharecity.market.catalog.models import Category, PlatformCategory, PriceUnit
from sharecity.market.listings.services import listing_create
from sharecity.market.platforms.services import operator_add
from tests import factories

LICENCE_RULE = {
    "code": "special_industry_licence", "label_zh": "特种行业许可证", "label_en": "Special-industry licence",
    "holder": "listing", "pattern": r"^[\u4e00-\u9fa5]*\d{6,12}号?$",
    "legal_reference": "《旅馆业治安管理办法》第四条",
}
SCHEMA = [
    {"name": "guests", "label_zh": "可住人数", "label_en": "Guests", "type": "int", "unit": "人", "required": True,
     "min": 1, "max": 20},
    {"name": "room_type", "label_zh": "房型", "label_en": "Room type", "type": "choice", "required": True,
     "choices": [{"value": "entire", "label_zh": "整套", "label_en": "entire home"},
                 {"value": "private_room", "label_zh": "独立房间", "label_en": "private room"}]},
    {"name": "sea_view", "label_zh": "海景", "label_en": "Sea view", "type": "bool"},
    {"name": "house_rules", "label_zh": "入住须知", "label_en": "House rules", "type": "text", "max_length": 200},
]
LICENCE_NUMBER = "厦公特旅字第350203001号"


def homestay(platform=None, *, enabled: bool = True) -> Category:
    """The homestay category with a known schema and licence rule, enabled on ``platform``."""
    category, _ = Category.objects.update_or_create(code="homestay", defaults={
        "parent": None, "sector": "homestay", "name_zh": "民宿", "name_en": "Homestays",
        "default_process": "request_to_book", "default_unit": PriceUnit.NIGHT, "attribute_schema": SCHEMA,
        "licence_rules": [LICENCE_RULE], "is_active": True,
    })
    if platform is not None:
        PlatformCategory.objects.update_or_create(platform=platform, category=category,
                                                  defaults={"is_enabled": enabled})
    return category


def make_operator(platform, username: str | None = None):
    user = factories.make_user(username)
    operator_add(actor=None, platform=platform, user=user)
    return user


def draft(platform, provider, **overrides):
    fields = {
        "title": "鼓浪屿海景民宿", "description": "推窗见海，步行五分钟到轮渡码头。",
        "attributes": {"guests": 2, "room_type": "entire"}, "licences": {"special_industry_licence": LICENCE_NUMBER},
        "district_code": "350203", "address": "思明区鼓浪屿龙头路1号", "price_fen": 38_000, "price_unit": "night",
        "capacity": 1, "deposit_fen": 50_000, "deposit_refund_days": 3,
    }
    fields.update(overrides)
    return listing_create(actor=provider, platform=platform, provider=provider, category=homestay(platform),
                          **fields)
