from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.kernel.errors import NotFound
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.platforms.errors import PlatformNotFound
from sharecity.market.platforms.models import ApiKey, Platform, PlatformLicence, PlatformMembership


def platform_list() -> QuerySet[Platform]:
    return Platform.objects.filter(is_active=True)


def platform_get(*, slug: str) -> Platform:
    platform = Platform.objects.filter(slug=slug, is_active=True).first()
    if platform is None:
        raise PlatformNotFound()
    return platform


def platforms_operated_by(user) -> QuerySet[Platform]:
    if not getattr(user, "is_authenticated", False):
        return Platform.objects.none()
    return Platform.objects.filter(operators__user=user)


def is_operator(*, user, platform: Platform) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and platform.operators.filter(user=user).exists()


def api_keys_of_platform(*, platform: Platform) -> QuerySet[ApiKey]:
    """The platform's API keys, newest first (only hashes are stored; the raw key is never readable)."""
    return ApiKey.objects.filter(platform=platform).order_by("-created_at", "-id")


def api_key_get(*, platform: Platform, key_id: int) -> ApiKey:
    """One of this platform's API keys; another platform's key is not found."""
    key = ApiKey.objects.filter(platform=platform, pk=key_id).select_related("platform").first()
    if key is None:
        raise NotFound(_("No such API key on this platform."), field="key")
    return key


def member_get(*, platform: Platform, public_id) -> User | None:
    """The active person with this public id who joined ``platform``; None for anyone else
    (unknown, inactive, or a member of other platforms only: a caller cannot tell which)."""
    membership = (PlatformMembership.objects.select_related("user")
                  .filter(platform=platform, user__public_id=public_id, user__is_active=True).first())
    return membership.user if membership is not None else None


def is_member(*, platform: Platform, user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and PlatformMembership.objects.filter(
        platform=platform, user=user).exists()


def licences_of(*, platform: Platform) -> QuerySet[PlatformLicence]:
    return PlatformLicence.objects.filter(platform=platform).order_by("kind", "number", "id")


TREND_DAYS = 7


def console_figures(*, platform: Platform, today: dt.date | None = None) -> list[dict]:
    """The operator console's tiles: for orders, complaints and moderation, the figure now (orders of the
    last 7 days, complaints still open, listings waiting for a moderator), the last 7 days against the
    7 before (of what ``daily_label`` names), and the 14 days' daily counts (city days, oldest first)
    for a sparkline."""
    from sharecity.market.complaints.models import Complaint, ComplaintStatus
    from sharecity.market.moderation.models import CaseStatus, ModerationCase
    from sharecity.market.orders.models import Order

    today = today or timezone.now().astimezone(CITY_TZ).date()
    first = today - dt.timedelta(days=2 * TREND_DAYS - 1)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=CITY_TZ)

    def daily(queryset, field: str) -> list[int]:
        counts = dict(queryset.filter(**{f"{field}__gte": since})
                      .annotate(day=TruncDate(field, tzinfo=CITY_TZ)).values("day")
                      .annotate(n=Count("id")).values_list("day", "n"))
        return [counts.get(first + dt.timedelta(days=offset), 0) for offset in range(2 * TREND_DAYS)]

    orders = daily(Order.objects.filter(platform=platform), "created_at")
    complaints = daily(Complaint.objects.filter(platform=platform), "created_at")
    cases = daily(ModerationCase.objects.filter(platform=platform), "opened_at")
    open_complaints = Complaint.objects.filter(
        platform=platform, status__in=[ComplaintStatus.FILED, ComplaintStatus.ESCALATED]).count()
    pending = ModerationCase.objects.filter(platform=platform, status=CaseStatus.OPEN).count()
    figures = [
        ("orders", _("Orders in the last 7 days"), sum(orders[TREND_DAYS:]), orders, _("Orders placed")),
        ("complaints_open", _("Complaints open"), open_complaints, complaints, _("Complaints filed")),
        ("moderation_pending", _("Listings waiting for moderation"), pending, cases, _("Moderation cases opened")),
    ]
    return [{"code": code, "label": label, "now": now, "daily_label": daily_label, "daily": series,
             "last_7": sum(series[TREND_DAYS:]), "previous_7": sum(series[:TREND_DAYS]),
             "first_day": first}
            for code, label, now, series, daily_label in figures]
