"""The regulator's pages of what platforms reported, scoped by the officer's jurisdiction, with
the ways to act on a fact: a directive prefilled from it, and a follow-up note."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sharecity.hub.directives.selectors import directives_for_cases
from sharecity.hub.facts import selectors, services
from sharecity.hub.facts.selectors import Filters
from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_required
from sharecity.hub.registry.selectors import registered_platform_names
from sharecity.kernel.districts import DISTRICTS, district_name
from sharecity.kernel.errors import NotFound, ShareCityError

PAGE_SIZE = 50

TITLES = {
    "listings": gettext_lazy("Listings reported by platforms"),
    "complaints": gettext_lazy("Complaints"),
    "moderation": gettext_lazy("Moderation decisions and hidden reviews"),
    "incidents": gettext_lazy("Safety incidents"),
    "subjects": gettext_lazy("Providers and operators reported by platforms"),
}
CATEGORY_LABELS = {
    "listings": gettext_lazy("Category"),
    "complaints": gettext_lazy("Category"),
    "moderation": gettext_lazy("What"),
    "incidents": gettext_lazy("Category"),
    "subjects": gettext_lazy("Person or business"),
}


def _jurisdiction(request) -> Jurisdiction:
    return jurisdiction_required(request.user, message=_("Only regulator staff and hub operators may see "
                                                         "the facts platforms reported."))


def _language() -> str:
    return get_language() or "zh-hans"


def _district_choices(jurisdiction: Jurisdiction) -> list[tuple[str, str]]:
    language = _language()
    return [(code, district_name(code, language=language)) for code in jurisdiction.district_codes()
            if code in DISTRICTS]


def _login_or_none(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


@require_GET
def index(request):
    if (response := _login_or_none(request)) is not None:
        return response
    jurisdiction = _jurisdiction(request)
    return render(request, "facts/index.html", {
        "counts": selectors.counts(jurisdiction=jurisdiction),
        "scope": jurisdiction.label(language=_language()),
        "answer_hours": selectors.answer_hours(),
    })


@require_GET
def fact_list(request, kind: str):
    if (response := _login_or_none(request)) is not None:
        return response
    jurisdiction = _jurisdiction(request)
    status = 200
    error = None
    try:
        filters = selectors.filters_parse(kind, request.GET)
    except ShareCityError as refused:
        filters, error, status = Filters(), refused, refused.http_status
    rows = selectors.LIST_SELECTORS[kind](jurisdiction=jurisdiction, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    names = registered_platform_names()
    items = [{"fact": fact, "platform_name": names.get(fact.platform_id, fact.platform_id),
              "district": district_name(fact.district_code, language=_language()) if fact.district_code else "",
              "overdue": kind == "complaints" and selectors.is_overdue(fact, now)}
             for fact in page.object_list]
    platform_ids = sorted(jurisdiction.platform_ids()) if not jurisdiction.is_operator else sorted(names)
    return render(request, "facts/list.html", {
        "kind": kind, "title": TITLES[kind], "category_label": CATEGORY_LABELS[kind],
        "page": page, "items": items, "error": error, "filters": filters,
        "values": {name: request.GET.get(name, "")[:64] for name in
                   ("platform", "category", "district", "status", "date_from", "date_to")},
        "statuses": selectors.STATUSES[kind], "districts": _district_choices(jurisdiction),
        "platforms": [(pid, names.get(pid, pid)) for pid in platform_ids],
        "answer_hours": selectors.answer_hours(),
    }, status=status)


def _get(kind: str, jurisdiction: Jurisdiction, fact_id) -> object:
    try:
        return selectors.fact_get(kind, jurisdiction=jurisdiction, fact_id=int(fact_id))
    except NotFound as error:
        raise Http404(str(error.message)) from None


def _directive_link(directive_type: str, **fields) -> str:
    """The directive form, prefilled from the fact (``hub_directives:new`` reads its GET parameters)."""
    query = urlencode({name: value for name, value in fields.items() if value})
    return f"{reverse('hub_directives:new', args=[directive_type])}?{query}"


@require_GET
def fact_detail(request, kind: str, fact_id: int):
    if (response := _login_or_none(request)) is not None:
        return response
    jurisdiction = _jurisdiction(request)
    fact = _get(kind, jurisdiction, fact_id)
    return render(request, f"facts/{kind}_detail.html", _detail_context(kind, fact, jurisdiction))


def _detail_context(kind: str, fact, jurisdiction: Jurisdiction) -> dict:
    names = registered_platform_names()
    context = {"kind": kind, "title": TITLES[kind], "fact": fact,
               "platform_name": names.get(fact.platform_id, fact.platform_id),
               "district": district_name(fact.district_code, language=_language()) if fact.district_code else ""}
    if kind == "listings":
        context.update(
            changes=selectors.listing_changes(fact)[:200], removals=selectors.listing_removals(fact),
            removed_before=selectors.removals_matching(provider_key=fact.provider_key, title=fact.title,
                                                       jurisdiction=jurisdiction, exclude_listing=fact)[:20],
            moderation=selectors.moderation_of(platform_id=fact.platform_id, subject_type="listing",
                                               subject_id=fact.listing_id, jurisdiction=jurisdiction),
            recall_link=_directive_link(
                "recall.order", platform=fact.platform_id, listing_ids=fact.listing_id, product=fact.title,
                recall_id=f"RC-{fact.listing_id}"[:64]),
        )
    elif kind == "complaints":
        context.update(
            directives=directives_for_cases(platform_id=fact.platform_id, case_ids=[f"TS-{fact.complaint_id}"[:64]]),
            timeline=selectors.complaint_timeline(fact), overdue=selectors.is_overdue(fact),
            response_minutes=None if fact.response_seconds is None else fact.response_seconds // 60,
            answer_hours=selectors.answer_hours(),
            assistance_link=_directive_link(
                "assistance.request", platform=fact.platform_id, case_id=f"TS-{fact.complaint_id}"[:64],
                order_ids=fact.order_id, subject_keys=fact.complainant_key,
                request=_("Please provide the records of complaint %(id)s: the order, the communication with the "
                          "complainant and how it was handled.") % {"id": fact.complaint_id}),
        )
    elif kind == "incidents":
        context.update(
            directives=directives_for_cases(platform_id=fact.platform_id, case_ids=[f"SI-{fact.incident_id}"[:64]]),
            notes=selectors.notes_of(fact),
            assistance_link=_directive_link(
                "assistance.request", platform=fact.platform_id, case_id=f"SI-{fact.incident_id}"[:64],
                order_ids=fact.order_id, listing_ids=fact.listing_id,
                request=_("Please provide the records of safety incident %(id)s: what happened, who was involved "
                          "and what the platform has done.") % {"id": fact.incident_id}),
        )
    return context


@require_POST
def note_add(request, kind: str, fact_id: int):
    if (response := _login_or_none(request)) is not None:
        return response
    jurisdiction = _jurisdiction(request)
    target = {"complaints": "complaint", "incidents": "incident"}[kind]
    fact = _get(kind, jurisdiction, fact_id)
    text = request.POST.get("text", "")
    try:
        services.follow_up_note_add(actor=request.user, jurisdiction=jurisdiction, target=target, fact_id=fact.pk,
                                    text=text)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    except ShareCityError as error:
        context = _detail_context(kind, fact, jurisdiction)
        context.update(note_error=error, note_text=text[:4000])
        return render(request, f"facts/{kind}_detail.html", context, status=error.http_status)
    messages.success(request, _("The note is recorded."))
    return redirect("hub_facts:detail", kind=kind, fact_id=fact.pk)
