"""The hub operators' quarantine page: every refused input, with the rule it broke."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sharecity.hub.gateway import selectors
from sharecity.hub.intake.selectors import quarantine_codes
from sharecity.hub.registry.jurisdiction import jurisdiction_required
from sharecity.hub.registry.selectors import registered_platform_names

PAGE_SIZE = 50
STATUSES = {
    "open": gettext_lazy("Open"),
    "resolved": gettext_lazy("Resolved"),
    "all": gettext_lazy("All"),
}


@require_GET
def quarantine(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    jurisdiction = jurisdiction_required(
        request.user, message=_("Only regulator staff and hub operators may see the quarantine."))
    # Officers: the quarantined input of platforms active or registered in their jurisdiction.
    platform_ids = None if jurisdiction.is_operator else sorted(jurisdiction.platform_ids())
    status = request.GET.get("status", "open")
    if status not in STATUSES:
        status = "open"
    platform_id = request.GET.get("platform", "")
    code = request.GET.get("code", "")
    entries = selectors.hub_quarantine(status=status, platform_id=platform_id, code=code, platform_ids=platform_ids)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    names = registered_platform_names()
    rows = [
        {"entry": entry, "platform": names.get(entry.platform_id, entry.platform_id),
         "raw": selectors.raw_excerpt(entry, limit=600)}
        for entry in page.object_list
    ]
    return render(request, "gateway/quarantine.html", {
        "rows": rows,
        "page": page,
        "status": status,
        "statuses": STATUSES.items(),
        "platform_id": platform_id,
        "platforms": sorted(jurisdiction.platform_names().items(), key=lambda item: item[1]),
        "code": code,
        "codes": quarantine_codes(platform_ids=platform_ids),
    })
