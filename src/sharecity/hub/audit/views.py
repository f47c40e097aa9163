"""The hub operators' audit page: who did what, and whether the chain still holds."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sharecity.hub.audit import selectors

PAGE_SIZE = 50


@require_GET
def audit_log(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # The log spans every city and district the hub serves, so only the hub's own operators read it.
    if not request.user.is_staff:
        raise PermissionDenied(_("Only hub operators may read the audit log."))
    action = request.GET.get("action", "")
    entries = selectors.audit_entries(action=action or None).order_by("-sequence")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {
        "page": page,
        "action": action,
        "actions": selectors.audit_actions(),
        "verdict": selectors.audit_verify(),
    })
