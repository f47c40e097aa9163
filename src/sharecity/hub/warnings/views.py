"""The regulator's pages of risk warnings: the list with filters, and a warning's explanation, the facts
behind it and its course, with the forms that move it along (assign, handle, close). Thin: the reads are
``selectors``, the writes ``services``, as in the API."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_required
from sharecity.hub.registry.models import Department
from sharecity.hub.warnings import selectors, services
from sharecity.hub.warnings.api import filters_parse
from sharecity.hub.warnings.models import Rule, Severity, Status
from sharecity.kernel.districts import DISTRICTS, district_name
from sharecity.kernel.errors import NotFound, ShareCityError

PAGE_SIZE = 50
FILTERS = ("status", "rule", "severity", "district", "platform")
ACTIONS = {"assign": services.warning_assign, "handle": services.warning_handle, "close": services.warning_close,
           "case": services.warning_case_open}


def _jurisdiction(request) -> Jurisdiction:
    return jurisdiction_required(request.user, message=_("Only regulator staff and hub operators may see risk "
                                                         "warnings."))


def _language() -> str:
    return get_language() or "zh-hans"


def _districts(jurisdiction: Jurisdiction) -> list[tuple[str, str]]:
    return [(code, district_name(code, language=_language())) for code in jurisdiction.district_codes()
            if code in DISTRICTS]


@require_GET
def warning_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    jurisdiction = _jurisdiction(request)
    values = {name: request.GET.get(name, "")[:200] for name in FILTERS}
    error = None
    try:
        rows = selectors.warning_list(jurisdiction=jurisdiction, filters=filters_parse(values))
    except ShareCityError as failure:
        error, rows = failure, selectors.warning_list(jurisdiction=jurisdiction)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    platforms = jurisdiction.platform_names()
    language = _language()
    return render(request, "warnings/list.html", {
        "page": page, "error": error, "values": values,
        "items": [{"warning": w, "explanation": w.explanation_in(language),
                   "district": district_name(w.district_code, language=language) if w.district_code in DISTRICTS
                   else "", "platform_name": platforms.get(w.platform_id, w.platform_id)} for w in page],
        "statuses": Status.choices, "rules": Rule.choices, "severities": Severity.choices,
        "districts": _districts(jurisdiction), "platforms": sorted(platforms.items(), key=lambda item: item[1]),
        "counts": selectors.warning_counts(jurisdiction=jurisdiction),
        "query": urlencode({name: value for name, value in values.items() if value}),
        "scope": jurisdiction.label(language=language),
    })


def _detail_context(request, jurisdiction: Jurisdiction, warning) -> dict:
    language = _language()
    return {"warning": warning, "explanation": warning.explanation_in(language),
            "district": district_name(warning.district_code, language=language)
            if warning.district_code in DISTRICTS else "",
            "platform_name": jurisdiction.platform_names().get(warning.platform_id, warning.platform_id),
            "districts": _districts(jurisdiction), "form": {}, "form_error": None, "form_action": "",
            "department": getattr(jurisdiction, "department", ""),
            "departments": Department.choices, "department_kind": jurisdiction.department_kind,
            "case_url": _case_url(warning.case_ref)}


def _case_url(case_ref: str) -> str:
    try:
        return reverse("hub_enforcement:case", kwargs={"public_id": uuid.UUID(case_ref)}) if case_ref else ""
    except ValueError:
        return ""


def _get(jurisdiction: Jurisdiction, warning_id: str | int):
    try:
        return selectors.warning_get(jurisdiction=jurisdiction, warning_id=int(warning_id))
    except NotFound as error:
        raise Http404(str(error.message)) from None


@require_GET
def warning_detail(request, warning_id: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    jurisdiction = _jurisdiction(request)
    warning = _get(jurisdiction, warning_id)
    return render(request, "warnings/detail.html", _detail_context(request, jurisdiction, warning))


def _act(request, warning_id: str, action: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    jurisdiction = _jurisdiction(request)
    warning = _get(jurisdiction, warning_id)
    if action == "assign":
        form = {"department": request.POST.get("department", ""),
                "district_code": request.POST.get("district_code", "")}
    elif action == "case":
        form = {"department": request.POST.get("department", "")}
    else:
        form = {"notes": request.POST.get("notes", "")}
    try:
        done = ACTIONS[action](actor=request.user, jurisdiction=jurisdiction, warning_id=warning.pk, **form)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    except ShareCityError as error:
        context = _detail_context(request, jurisdiction, warning)
        context.update(form={key: value[:4000] for key, value in form.items()}, form_error=error, form_action=action)
        return render(request, "warnings/detail.html", context, status=error.http_status)
    messages.success(request, {"assign": _("The warning is assigned."), "handle": _("The handling is recorded."),
                               "close": _("The warning is closed."),
                               "case": _("A case is opened from the warning.")}[action])
    if action == "case":
        return redirect("hub_enforcement:case", public_id=done.public_id)
    return redirect("hub_warnings:detail", warning_id=warning.pk)


@require_POST
def warning_assign(request, warning_id: str):
    return _act(request, warning_id, "assign")


@require_POST
def warning_handle(request, warning_id: str):
    return _act(request, warning_id, "handle")


@require_POST
def warning_close(request, warning_id: str):
    return _act(request, warning_id, "close")


@require_POST
def warning_case(request, warning_id: str):
    return _act(request, warning_id, "case")
