"""The public platform directory: /directory/ and /directory/<platform_id>/ (no login). Thin: selectors only."""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sharecity.hub.directory import selectors
from sharecity.kernel.districts import CITIES
from sharecity.kernel.errors import NotFound

QUERY_MAX = 60
_SECTOR = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _clean_query(value: str) -> str:
    value = (value or "")[:QUERY_MAX]
    return "".join(ch for ch in value if ch.isprintable()).strip()


@require_GET
def directory_list(request):
    city = request.GET.get("city", "")
    city = city if city in CITIES else ""
    sectors = selectors.directory_sectors()
    sector = request.GET.get("sector", "")
    sector = sector if sector in sectors else ""
    q = _clean_query(request.GET.get("q", ""))
    entries = selectors.directory_list(city_code=city, sector=sector, q=q)
    return render(request, "hub_directory/list.html", {
        "entries": entries, "cities": CITIES, "sectors": sectors, "city": city, "sector": sector, "q": q,
    })


@require_GET
def directory_platform(request, platform_id: str):
    try:
        entry = selectors.directory_entry(platform_id=platform_id[:64])
    except NotFound:
        raise Http404 from None
    return render(request, "hub_directory/platform.html", {"entry": entry, "cities": CITIES})
