from __future__ import annotations

from sharecity.hub.registry.models import RegisteredPlatform, RegulatorProfile


def registered_platform_get(*, platform_id: str) -> RegisteredPlatform | None:
    return RegisteredPlatform.objects.filter(platform_id=platform_id).first()


def registered_platform_names() -> dict[str, str]:
    return dict(RegisteredPlatform.objects.values_list("platform_id", "name"))


def regulator_profile_for(user) -> RegulatorProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return RegulatorProfile.objects.filter(user=user).first()
