"""The messaging routes of the market API (mounted by ``market.api`` under its authentication)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["messaging"])
