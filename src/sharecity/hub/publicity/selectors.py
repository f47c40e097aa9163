"""Reads of the publicity duty, every officer read scoped by the officer's jurisdiction (city-wide rows)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from sharecity.hub.directives.models import Directive
from sharecity.hub.publicity.models import ListEntry, PenaltyDecision, RepairApplication, RepairStatus
from sharecity.hub.registry.jurisdiction import Jurisdiction
from sharecity.hub.registry.selectors import registered_platform_names
from sharecity.kernel.errors import NotFound
from sharecity.kernel.timeutil import CITY_TZ


def today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


def _bureau_scoped(queryset: QuerySet, jurisdiction: Jurisdiction, district_field: str = "district_code") -> QuerySet:
    """Penalties (and the repairs of them) are the deciding bureau's: a city officer sees the city's, a
    district officer their district's and those the city's bureau decided without naming a district,
    never another district's."""
    rows = jurisdiction.filter_cities(queryset)
    if jurisdiction.district_code:
        rows = rows.filter(**{f"{district_field}__in": ["", jurisdiction.district_code]})
    return rows


def penalties(*, jurisdiction: Jurisdiction) -> QuerySet[PenaltyDecision]:
    return _bureau_scoped(PenaltyDecision.objects.all(), jurisdiction)


def penalty_get(*, jurisdiction: Jurisdiction, public_id) -> PenaltyDecision:
    penalty = penalties(jurisdiction=jurisdiction).filter(public_id=public_id).first()
    if penalty is None:
        raise NotFound("No such penalty decision.", field="public_id")
    return penalty


def penalty_for_notice(*, public_id) -> PenaltyDecision:
    """The decision whose repair notice is served at an unguessable address (the subject's copy)."""
    penalty = PenaltyDecision.objects.filter(public_id=public_id).first()
    if penalty is None:
        raise NotFound("No such notice.", field="public_id")
    return penalty


def penalties_shown_publicly(*, city_code: str | None = None, on: dt.date | None = None) -> QuerySet[PenaltyDecision]:
    """What the public may see: public, not repaired, and never past ``display_until``
    (最长公示期届满后，相关信息自动停止公示: 令2025年第36号)."""
    rows = PenaltyDecision.objects.filter(public=True, repaired_at__isnull=True,
                                          display_until__gte=on or today())
    return rows.filter(city_code=city_code) if city_code else rows


def list_entries(*, jurisdiction: Jurisdiction, credit_list: str = "", status: str = "") -> QuerySet[ListEntry]:
    rows = jurisdiction.filter_cities(ListEntry.objects.select_related("basis_penalty"))
    if credit_list:
        rows = rows.filter(credit_list=credit_list)
    if status:
        rows = rows.filter(status=status)
    return rows


def list_entry_get(*, jurisdiction: Jurisdiction, public_id) -> ListEntry:
    entry = list_entries(jurisdiction=jurisdiction).filter(public_id=public_id).first()
    if entry is None:
        raise NotFound("No such list entry.", field="public_id")
    return entry


def list_entry_acknowledgements(*, entry: ListEntry, jurisdiction: Jurisdiction | None = None) -> list[dict]:
    """Per platform and change: the directive's status as the platform answered it. A list is the city's,
    but an officer sees only the platforms of their jurisdiction (``jurisdiction``)."""
    names = registered_platform_names()
    notices = entry.notices.all()
    if jurisdiction is not None:
        notices = jurisdiction.filter_platforms(notices, "platform_id")
    notices = list(notices)
    directives = Directive.objects.in_bulk([n.directive_id for n in notices])
    rows = []
    now = timezone.now()
    for notice in notices:
        directive = directives.get(notice.directive_id)
        rows.append({
            "platform_id": notice.platform_id, "platform_name": names.get(notice.platform_id, notice.platform_id),
            "action": notice.action, "status": directive.status if directive else "",
            "status_label": directive.get_status_display() if directive else "",
            "message_id": str(directive.message_id) if directive and directive.message_id else "",
            "deadline": directive.deadline if directive else None,
            "acknowledged_at": directive.acknowledged_at if directive else None,
            "action_taken": directive.action_taken if directive else "",
            "overdue": bool(directive and directive.is_overdue(now)),
        })
    return rows


def repair_queue(*, jurisdiction: Jurisdiction, status: str = "") -> QuerySet[RepairApplication]:
    """谁认定、谁修复: an officer sees the applications for records their department kind decided in their city.
    Hub operators (no department) see every application."""
    rows = _bureau_scoped(RepairApplication.objects.select_related("penalty"), jurisdiction,
                          "penalty__district_code")
    if not jurisdiction.is_operator:
        rows = rows.filter(department_kind=jurisdiction.department_kind)
    if status:
        rows = rows.filter(status=status)
    return rows


def repair_get(*, jurisdiction: Jurisdiction, tracking_code: str) -> RepairApplication:
    application = repair_queue(jurisdiction=jurisdiction).filter(tracking_code=str(tracking_code).upper()).first()
    if application is None:
        raise NotFound("No such repair application.", field="tracking_code")
    return application


def repair_overdue(application: RepairApplication, *, on: dt.date | None = None) -> bool:
    return application.status == RepairStatus.PENDING and (on or today()) > application.decision_due


def repair_counts(*, jurisdiction: Jurisdiction) -> dict[str, int]:
    pending = repair_queue(jurisdiction=jurisdiction, status=RepairStatus.PENDING)
    return {"pending": pending.count(), "overdue": pending.filter(decision_due__lt=today()).count()}


def list_status_for(*, subject_identifier: str, city_code: str | None = None,
                    on: dt.date | None = None) -> list[ListEntry]:
    """The lists a subject stands on today (for the public credit lookup and the scorecard): active
    entries already in effect and not past their expiry day."""
    on = on or today()
    rows = (ListEntry.objects.filter(subject_identifier=subject_identifier, status="active", effective_on__lte=on)
            .exclude(expires_on__lt=on))
    return list(rows.filter(city_code=city_code) if city_code else rows)


def may_remove_entry(*, entry: ListEntry, jurisdiction: Jurisdiction) -> bool:
    """谁认定谁移出: the department kind that listed the subject, in its city; a district bureau only
    its own district's entries. Pages offer the removal only to those the service lets remove."""
    if entry.city_code != jurisdiction.city_code or entry.department_kind != jurisdiction.department_kind:
        return False
    return not jurisdiction.district_code or entry.district_code == jurisdiction.district_code


def may_decide_repair(*, application: RepairApplication, jurisdiction: Jurisdiction) -> bool:
    """谁认定谁修复: the department kind of the city that decided the penalty; a district bureau only
    its own district's penalties."""
    if (application.city_code != jurisdiction.city_code
            or application.department_kind != jurisdiction.department_kind):
        return False
    return not jurisdiction.district_code or application.penalty.district_code == jurisdiction.district_code
