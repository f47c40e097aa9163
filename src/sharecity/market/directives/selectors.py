"""Reads about the directives a platform received from the city."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.kernel.errors import NotFound
from sharecity.market.directives.models import ReceivedDirective
from sharecity.market.platforms.models import Platform


def platform_for_exchange_id(exchange_id: str) -> Platform | None:
    """The hosted platform that speaks on the exchange under this id (its public id)."""
    try:
        return Platform.objects.filter(public_id=exchange_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def directives_of_platform(*, platform: Platform) -> QuerySet[ReceivedDirective]:
    """Unanswered first, nearest deadline first."""
    directives = ReceivedDirective.objects.filter(platform=platform)
    return directives.order_by("completed", "acknowledged_at", "deadline", "id")


def directive_get(*, platform: Platform, message_id) -> ReceivedDirective:
    directive = ReceivedDirective.objects.filter(platform=platform, message_id=message_id).first()
    if directive is None:
        raise NotFound(_("No such directive for this platform."), field="message_id")
    return directive


def directive_counts(*, platform: Platform) -> dict[str, int]:
    unanswered = ReceivedDirective.objects.filter(platform=platform, acknowledged_at__isnull=True)
    return {"open": unanswered.count(), "overdue": unanswered.filter(deadline__lt=timezone.now()).count()}
