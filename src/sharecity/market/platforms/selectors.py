from __future__ import annotations

from django.db.models import QuerySet

from sharecity.market.platforms.errors import PlatformNotFound
from sharecity.market.platforms.models import Platform


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
