"""The hub operators' audit page: who did what, and whether the chain still holds."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sharecity.hub.audit import selectors
from sharecity.hub.registry.jurisdiction import jurisdiction_required

PAGE_SIZE = 50
# What an entry's object is, for the reader; the stored type stays the code the API and export carry.
OBJECT_TYPES = {
    "credit_record": gettext_lazy("Credit record"), "credit_scorecard": gettext_lazy("Credit scorecard"),
    "dataset": gettext_lazy("Open dataset"), "enforcement_case": gettext_lazy("Enforcement case"),
    "evaluation_designation": gettext_lazy("Designation"), "evaluation_run": gettext_lazy("Evaluation run"),
    "evaluation_scheme": gettext_lazy("Indicator scheme"), "evaluation_target": gettext_lazy("Policy target"),
    "hub_directive": gettext_lazy("Directive"), "ingest_key": gettext_lazy("Ingest key"),
    "inspection_plan": gettext_lazy("Inspection plan"), "inspection_task": gettext_lazy("Inspection task"),
    "inspector": gettext_lazy("Inspector"), "leniency_entry": gettext_lazy("Leniency list entry"),
    "list_entry": gettext_lazy("Credit list entry"), "lodging_licence": gettext_lazy("Lodging licence"),
    "penalty_decision": gettext_lazy("Penalty decision"), "quota_allocation": gettext_lazy("Quota allocation"),
    "quota_evaluation": gettext_lazy("Quota evaluation"), "quota_weights": gettext_lazy("Quota weights"),
    "registered_platform": gettext_lazy("Registered platform"),
    "repair_application": gettext_lazy("Credit repair application"),
    "tpc_complaint": gettext_lazy("Third-party complaint"), "tpc_odr": gettext_lazy("ODR commitment"),
    "tpc_staff": gettext_lazy("Complaint staff"), "user": gettext_lazy("User"), "warning": gettext_lazy("Risk warning"),
}


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
        "object_types": OBJECT_TYPES,
        "action": action,
        "actions": selectors.audit_actions(jurisdiction=scope),
        "verdict": selectors.audit_verify(),
        "whole_log": scope is None,
    })
