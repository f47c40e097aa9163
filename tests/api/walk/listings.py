"""Listings and moderation routes in the tenant walk: each tenant has a listing waiting for a moderator."""

from __future__ import annotations

from sharecity.market.listings.models import Listing
from sharecity.market.listings.services import listing_submit
from sharecity.market.moderation.models import ModerationCase, StatementOfReasons
from tests.market.moderation.helpers import LICENCE_NUMBER, draft


def prepare(tenant) -> None:
    tenant.listing = draft(tenant.platform, tenant.provider, description="看房请加微信 xmhome2023")
    listing_submit(actor=tenant.provider, listing=tenant.listing)
    tenant.moderation_case = ModerationCase.objects.get(subject_id=str(tenant.listing.public_id))


OBJECT_PARAMS = {
    "listing_id": lambda t: t.listing.public_id,
    "case_id": lambda t: t.moderation_case.public_id,
}


def OBJECT_IDS(tenant):
    return [tenant.listing.public_id, tenant.moderation_case.public_id]


BODIES = {
    ("POST", "/p/{platform}/listings"): lambda t: {
        "category": "homestay", "title": "越权民宿", "attributes": {"guests": 2, "room_type": "entire"},
        "licences": {"special_industry_licence": LICENCE_NUMBER}, "district": "350203", "price_fen": 10_000,
        "price_unit": "night", "submit": True},
    ("POST", "/p/{platform}/listings/{listing_id}/submit"): lambda t: None,
    ("POST", "/p/{platform}/moderation/cases/{case_id}/decide"): lambda t: {"approve": False, "reason": "越权"},
}

NOT_FOUND_CODES = ("listing.not_found", "moderation.case_not_found")


def SNAPSHOT(platform):
    return {
        "listings": list(Listing.objects.filter(platform=platform).order_by("pk").values()),
        "moderation_cases": list(ModerationCase.objects.filter(platform=platform).order_by("pk").values()),
        "statements": list(StatementOfReasons.objects.filter(platform=platform).order_by("pk").values()),
    }
