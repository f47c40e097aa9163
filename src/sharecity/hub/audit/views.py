"""The hub operators' audit page: who did what, and whether the chain still holds."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sharecity.hub.audit import selectors
from sharecity.hub.registry.jurisdiction import jurisdiction_required

PAGE_SIZE = 50


@require_GET
def audit_log(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # The log spans every city the hub serves: operators read all of it, an officer the entries of
    # their city (a district officer: their district's). The chain is verified whole either way; an
    # officer learns whether it holds, not how long it is or where another city's entries sit.
    jurisdiction = jurisdiction_required(request.user, message=_("Only hub operators may read the audit log."))
    scope = None if jurisdiction.is_operator else jurisdiction
    action = request.GET.get("action", "")
    entries = selectors.audit_entries(action=action or None, jurisdiction=scope).order_by("-sequence")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {
        "page": page,
        "action": action,
        "actions": selectors.audit_actions(jurisdiction=scope),
        "verdict": selectors.audit_verify(),
        "whole_log": scope is None,
    })
