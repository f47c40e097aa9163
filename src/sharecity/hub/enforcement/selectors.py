"""Reads of the enforcement duty: cases as a jurisdiction sees them, the catalogue and the leniency
list, the directives of a case, directives acknowledged late, and source tracing over the fact store."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.directives.models import Directive, DirectiveStatus
from sharecity.hub.directives.selectors import directives_list
from sharecity.hub.enforcement.models import (
    Case,
    CaseDirective,
    CaseHandover,
    CaseStatus,
    CaseSubjectKind,
    LeniencyEntry,
    Violation,
)
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.kernel.errors import NotFound


def cases_list(*, jurisdiction: Jurisdiction, status: str = "", source_kind: str = "") -> QuerySet[Case]:
    """Cases the jurisdiction holds: a city bureau its department's cases in the city, a district bureau
    those in its district; a hub operator every case. Newest first."""
    cases = jurisdiction.filter_scoped(Case.objects.all())
    if not jurisdiction.is_operator:
        cases = cases.filter(department=jurisdiction.department_kind)
    if status:
        cases = cases.filter(status=status)
    if source_kind:
        cases = cases.filter(source_kind=source_kind)
    return cases.order_by("-opened_at", "-id")


def case_get(*, jurisdiction: Jurisdiction, public_id) -> Case:
    """One case the jurisdiction holds; NotFound for any other (its existence is not told)."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("No such case."), field="case_id") from None
    case = cases_list(jurisdiction=jurisdiction).filter(public_id=public_id).first()
    if case is None:
        raise NotFound(_("No such case."), field="case_id")
    return case


def case_handovers(case: Case) -> QuerySet[CaseHandover]:
    return case.handovers.select_related("by").order_by("at", "id")


def case_directives(case: Case) -> list[Directive]:
    """The directives the case sent, oldest first, as the directives app keeps them (with the answer)."""
    ids = list(CaseDirective.objects.filter(case=case).values_list("directive_message_id", flat=True))
    if not ids:
        return []
    return list(directives_list().filter(message_id__in=ids).order_by("issued_at", "id"))


def earlier_findings(*, case: Case, violation_code: str) -> list[dt.date]:
    """Days on which the same violation by the same subject was found in other decided cases (any city:
    a subject's first violation is first everywhere)."""
    rows = Case.objects.filter(subject_kind=case.subject_kind, subject_ref=case.subject_ref,
                               violation_code=violation_code, status=CaseStatus.DECIDED,
                               found_on__isnull=False).exclude(pk=case.pk)
    return list(rows.values_list("found_on", flat=True))


def penalised_party(case: Case) -> tuple[str, str]:
    """Whose credit file a penalty of this case goes into: (credit subject kind, identifier). A platform is
    the enterprise behind it (its credit code); a listing is its provider (a business, by key)."""
    if case.subject_kind in (CaseSubjectKind.ENTERPRISE, CaseSubjectKind.BUSINESS, CaseSubjectKind.PERSON):
        return case.subject_kind, case.subject_ref
    if case.subject_kind == CaseSubjectKind.PLATFORM:
        from sharecity.hub.registry.selectors import registered_platform_get

        platform = registered_platform_get(platform_id=case.platform_id or case.subject_ref)
        return "enterprise", platform.credit_code if platform else ""
    from sharecity.hub.facts.selectors import listings_list

    listing = listings_list(jurisdiction=Jurisdiction(city_code=None)).filter(
        platform_id=case.platform_id, listing_id=case.subject_ref).first()
    return "business", listing.provider_key if listing else ""


def violations() -> QuerySet[Violation]:
    return Violation.objects.order_by("code")


def leniency_entries(*, city_code: str | None) -> QuerySet[LeniencyEntry]:
    """The list that applies in a city: its own rows and the default rows (every city's, for an operator)."""
    rows = LeniencyEntry.objects.select_related("violation")
    if city_code is not None:
        rows = rows.filter(city_code__in=["", city_code])
    return rows.order_by("violation__code", "city_code", "-effective_from")


# ---- directives acknowledged late ------------------------------------------------------------------------

@dataclass(frozen=True)
class LateAcknowledgement:
    """A directive whose platform did not acknowledge it by the deadline (still unanswered, or answered
    after it). ``dedupe_key`` is stable, so raising a warning for it twice raises one."""

    message_id: str
    platform_id: str
    directive_type: str
    city_code: str
    district_code: str
    department: str
    deadline: dt.datetime
    acknowledged_at: dt.datetime | None
    case_id: str | None

    @property
    def dedupe_key(self) -> str:
        return f"directive-ack-late:{self.message_id}"

    @property
    def days_late(self) -> int:
        end = self.acknowledged_at or timezone.now()
        return max(0, (end - self.deadline).days)


def directives_acknowledged_late(*, now: dt.datetime | None = None, jurisdiction: Jurisdiction | None = None,
                                 since: dt.datetime | None = None) -> list[LateAcknowledgement]:
    """Directives past their deadline without an acknowledgement, and those acknowledged after it, oldest
    deadline first; ``since``: only deadlines from then on (a periodic run's window)."""
    now = now or timezone.now()
    rows = directives_list(jurisdiction=jurisdiction).filter(deadline__lt=now)
    if since is not None:
        rows = rows.filter(deadline__gte=since)
    late = list(rows.filter(Q(status=DirectiveStatus.SENT) | Q(acknowledged_at__gt=F("deadline")))
                .order_by("deadline", "id"))
    cases = dict(CaseDirective.objects.filter(directive_message_id__in=[d.message_id for d in late])
                 .values_list("directive_message_id", "case__public_id"))
    return [LateAcknowledgement(
        message_id=str(d.message_id), platform_id=d.platform_id, directive_type=d.directive_type,
        city_code=d.city_code, district_code=d.district_code, department=d.department, deadline=d.deadline,
        acknowledged_at=d.acknowledged_at,
        case_id=str(cases[d.message_id]) if d.message_id in cases else None) for d in late]


# ---- source tracing (源头追溯) ------------------------------------------------------------------------------
#
# From a complaint or an inspected listing back to the listing, its provider and platform, and forward to
# the provider's related orders and their other buyers, from the hub's fact store only (hub.facts for
# listings and complaints, the monitoring read model for orders). "Related orders" are the orders of the
# listing (order.created names it, and the read model keeps it), with the provider's orders in the listing's
# category that the hub recorded before it kept an order's listing (``orders_basis`` says whether there were
# any). Buyers appear as the exchange's
# pseudonymous keys; the hub never learns who they are. Everything is scoped to the officer's jurisdiction.

TRACE_ORDERS_MAX = 200


def _listing_row(listing) -> dict:
    return {"listing_id": listing.listing_id, "title": listing.title, "category": listing.category,
            "state": listing.state, "district_code": listing.district_code, "price_fen": listing.price_fen,
            "published_at": listing.published_at, "removed_at": listing.removed_at}


def trace(*, jurisdiction: Jurisdiction, platform_id: str, listing_id: str = "", complaint_id: str = "") -> dict:
    """The trace from one listing or one complaint (exactly one of them), as plain data."""
    from sharecity.hub.facts.selectors import complaints_list, listings_list
    from sharecity.hub.monitoring.selectors import order_fact_get, orders_of_provider
    from sharecity.hub.registry.selectors import registered_platform_get

    complaint = listing = order = None
    provider_key = category = ""
    if complaint_id:
        complaint = complaints_list(jurisdiction=jurisdiction).filter(platform_id=platform_id,
                                                                      complaint_id=complaint_id).first()
        if complaint is None:
            raise NotFound(_("No such complaint in your jurisdiction."), field="complaint_id")
        if complaint.order_id:
            order = order_fact_get(platform_id=platform_id, order_id=complaint.order_id)
        if order is not None:
            provider_key, category = order["provider_key"], order["category"]
            listing_id = order.get("listing_id") or ""
    else:
        listing = listings_list(jurisdiction=jurisdiction).filter(platform_id=platform_id,
                                                                  listing_id=listing_id).first()
        if listing is None:
            raise NotFound(_("No such listing in your jurisdiction."), field="listing_id")
        provider_key, category = listing.provider_key, listing.category
    listings = []
    if provider_key:
        rows = listings_list(jurisdiction=jurisdiction).filter(platform_id=platform_id, provider_key=provider_key)
        if category:
            rows = rows.filter(category=category)
        listings = [_listing_row(row) for row in rows[:100]]
    orders: list[dict] = []
    basis = ""
    if provider_key:
        district_codes = None if jurisdiction.is_operator else jurisdiction.district_codes()
        if listing_id:
            orders = orders_of_provider(platform_id=platform_id, provider_key=provider_key, listing_id=listing_id,
                                        district_codes=district_codes, limit=TRACE_ORDERS_MAX)
            basis = "listing"
        # Orders recorded without their listing may be this listing's: shown too, and said so.
        unrecorded = orders_of_provider(platform_id=platform_id, provider_key=provider_key, listing_id="",
                                        category=category or None, district_codes=district_codes,
                                        limit=TRACE_ORDERS_MAX)
        if unrecorded:
            orders = (orders + unrecorded)[:TRACE_ORDERS_MAX]
            basis = "listing_and_unrecorded" if listing_id else "provider_category"
    complainant = complaint.complainant_key if complaint is not None else ""
    buyers = sorted({o["customer_key"] for o in orders if o["customer_key"] and o["customer_key"] != complainant})
    order_ids = [o["order_id"] for o in orders]
    related_complaints = list(complaints_list(jurisdiction=jurisdiction).filter(
        platform_id=platform_id, order_id__in=order_ids).values_list("complaint_id", flat=True)[:200])
    platform = registered_platform_get(platform_id=platform_id)
    return {
        "origin": {"kind": "complaint" if complaint_id else "listing", "ref": complaint_id or listing_id},
        "orders_basis": basis,
        "platform": {"platform_id": platform_id, "name": platform.name if platform else "",
                     "credit_code": platform.credit_code if platform else ""},
        "complaint": None if complaint is None else {
            "complaint_id": complaint.complaint_id, "order_id": complaint.order_id, "category": complaint.category,
            "status": complaint.status, "complainant": complaint.complainant_key, "filed_at": complaint.filed_at},
        "listing": _listing_row(listing) if listing is not None else None,
        "provider": provider_key,
        "category": category,
        "listings": listings,
        "orders": [{**{k: v for k, v in o.items() if k != "customer_key"}, "buyer": o["customer_key"]}
                   for o in orders],
        "other_buyers": buyers,
        "related_complaints": related_complaints,
    }
