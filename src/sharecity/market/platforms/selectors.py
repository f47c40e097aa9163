from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sharecity.kernel.errors import NotFound
from sharecity.kernel.models import User
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
