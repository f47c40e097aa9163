"""Test data for notices: a published homestay listing, an operator, evidence files."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from sharecity.market.listings.services import listing_submit
from sharecity.market.notices import services
from tests.market.moderation.helpers import draft, make_operator  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def png(name: str = "证据.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "判决书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def published(platform, provider, **overrides):
    listing = draft(platform, provider, **overrides)
    listing_submit(actor=provider, listing=listing)
    listing.refresh_from_db()
    assert listing.status == "published"
    return listing


def file_notice(platform, listings, **overrides):
    fields = {
        "holder_name": "鹭岛文化创意有限公司", "holder_contact": "0592-5551234 legal@example.cn",
        "right_kind": "trademark", "registration_numbers": ["第12345678号"],
        "claim": "该房源标题和图片使用了我公司注册商标“鹭岛之家”，未经许可。",
        "listing_ids": [str(listing.public_id) for listing in listings], "evidence": [png()],
    }
    fields.update(overrides)
    return services.notice_file(platform=platform, **fields)
