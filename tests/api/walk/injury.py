"""Occupational-injury cover in the tenant walk: a month's report is named by year and month (no object ids: the
platform in the path is the tenant); an order's cover is read through the order's id."""

from __future__ import annotations

from sharecity.market.injury.models import MonthlyReport

BODIES = {
    ("POST", "/p/{platform}/injury/reports"): lambda t: {"year": 2025, "month": 7},
}


def SNAPSHOT(platform):
    return {"injury_reports": list(MonthlyReport.objects.filter(platform=platform).order_by("pk").values())}
