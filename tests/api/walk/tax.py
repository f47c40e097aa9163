"""The Decree 810 tax reports in the tenant walk: a quarter's files and filing, named by year and quarter (no
object ids: the platform in the path is the tenant)."""

from __future__ import annotations

from sharecity.market.tax.models import QuarterlyFiling

QUERIES = {
    ("GET", "/p/{platform}/tax/reports/file"): lambda t: {"year": 2025, "quarter": 4, "format": "csv"},
}

BODIES = {
    ("POST", "/p/{platform}/tax/reports"): lambda t: {"year": 2025, "quarter": 4},
}


def SNAPSHOT(platform):
    return {"tax_filings": list(QuarterlyFiling.objects.filter(platform=platform).order_by("pk").values())}
