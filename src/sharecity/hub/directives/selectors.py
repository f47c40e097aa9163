"""Reads about the hub's directives: what is waiting for platforms, what is overdue."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.hub.directives.models import Directive, DirectiveStatus
from sharecity.kernel.errors import NotFound


def directives_list(*, platform_id: str | None = None, status: str | None = None) -> QuerySet[Directive]:
    directives = Directive.objects.all()
    if platform_id:
        directives = directives.filter(platform_id=platform_id)
    if status:
        directives = directives.filter(status=status)
    return directives.order_by("-issued_at", "-id")


def directives_open(*, platform_id: str | None = None) -> QuerySet[Directive]:
    """Sent and not yet acknowledged by the platform."""
    return directives_list(platform_id=platform_id, status=DirectiveStatus.SENT).order_by("deadline", "id")


def directives_overdue(*, platform_id: str | None = None, now: dt.datetime | None = None) -> QuerySet[Directive]:
    """Past the deadline and not acknowledged."""
    return directives_open(platform_id=platform_id).filter(deadline__lt=now or timezone.now())


def directive_counts(*, platform_id: str | None = None) -> dict[str, int]:
    return {"open": directives_open(platform_id=platform_id).count(),
            "overdue": directives_overdue(platform_id=platform_id).count()}


def directive_get(*, message_id) -> Directive:
    directive = Directive.objects.filter(message_id=message_id).first()
    if directive is None:
        raise NotFound(_("No such directive."), field="message_id")
    return directive


def directives_for_cases(*, platform_id: str, case_ids: list[str]) -> QuerySet[Directive]:
    """Directives to a platform that name one of ``case_ids`` (a request for assistance about a
    complaint or an incident), newest first: their replies belong beside the fact."""
    directives = Directive.objects.filter(platform_id=platform_id, payload__case_id__in=case_ids)
    return directives.order_by("-issued_at", "-id")
