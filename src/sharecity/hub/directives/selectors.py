"""Reads about the hub's directives: what is waiting for platforms, what is overdue."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.directives.models import Directive, DirectiveStatus
from sharecity.kernel.errors import NotFound

if TYPE_CHECKING:
    from sharecity.hub.registry.jurisdiction import Jurisdiction


def directives_list(*, platform_id: str | None = None, status: str | None = None,
                    jurisdiction: Jurisdiction | None = None) -> QuerySet[Directive]:
    """Directives, newest first; with ``jurisdiction``, only those its officers issued (a city
    officer: their city's; a district officer: their district's)."""
    directives = Directive.objects.all()
    if jurisdiction is not None:
        directives = jurisdiction.filter_scoped(directives)
    if platform_id:
        directives = directives.filter(platform_id=platform_id)
    if status:
        directives = directives.filter(status=status)
    return directives.order_by("-issued_at", "-id")


def directives_open(*, platform_id: str | None = None, jurisdiction: Jurisdiction | None = None
                    ) -> QuerySet[Directive]:
    """Sent and not yet acknowledged by the platform."""
    return directives_list(platform_id=platform_id, status=DirectiveStatus.SENT,
                           jurisdiction=jurisdiction).order_by("deadline", "id")


def directives_overdue(*, platform_id: str | None = None, now: dt.datetime | None = None,
                       jurisdiction: Jurisdiction | None = None) -> QuerySet[Directive]:
    """Past the deadline and not acknowledged."""
    return directives_open(platform_id=platform_id, jurisdiction=jurisdiction).filter(
        deadline__lt=now or timezone.now())


def directive_counts(*, platform_id: str | None = None, jurisdiction: Jurisdiction | None = None) -> dict[str, int]:
    return {"open": directives_open(platform_id=platform_id, jurisdiction=jurisdiction).count(),
            "overdue": directives_overdue(platform_id=platform_id, jurisdiction=jurisdiction).count()}


def directive_get(*, message_id, jurisdiction: Jurisdiction | None = None) -> Directive:
    """One directive; NotFound also for a directive outside ``jurisdiction`` (its existence is not told)."""
    directives = Directive.objects.filter(message_id=message_id)
    if jurisdiction is not None:
        directives = jurisdiction.filter_scoped(directives)
    directive = directives.first()
    if directive is None:
        raise NotFound(_("No such directive."), field="message_id")
    return directive


def directives_for_cases(*, platform_id: str, case_ids: list[str]) -> QuerySet[Directive]:
    """Directives to a platform that name one of ``case_ids`` (a request for assistance about a
    complaint or an incident), newest first: their replies belong beside the fact."""
    directives = Directive.objects.filter(platform_id=platform_id, payload__case_id__in=case_ids)
    return directives.order_by("-issued_at", "-id")
