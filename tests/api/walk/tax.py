"""The tax routes in the tenant walk: the Decree 810 quarter's files and filing, named by year and quarter, and the
VAT returns filed on workers' behalf, named by month (no object ids: the platform in the path is the tenant)."""

from __future__ import annotations

from sharecity.market.tax.models import QuarterlyFiling, VatReturn

QUERIES = {
    ("GET", "/p/{platform}/tax/reports/file"): lambda t: {"year": 2025, "quarter": 4, "format": "csv"},
    ("GET", "/p/{platform}/tax/vat-returns"): lambda t: {"month": "2026-03"},
    ("GET", "/p/{platform}/tax/vat-returns/file"): lambda t: {"month": "2026-03", "format": "csv"},
}

BODIES = {
    ("POST", "/p/{platform}/tax/reports"): lambda t: {"year": 2025, "quarter": 4},
    ("POST", "/p/{platform}/tax/vat-returns"): lambda t: {"month": "2026-03"},
}


def SNAPSHOT(platform):
    return {"tax_filings": list(QuarterlyFiling.objects.filter(platform=platform).order_by("pk").values()),
            "vat_returns": list(VatReturn.objects.filter(platform=platform).order_by("pk").values())}
