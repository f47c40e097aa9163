from __future__ import annotations

from sharecity.hub.registry.models import KeyRotation, RegisteredPlatform, RegulatorProfile


def registered_platform_get(*, platform_id: str) -> RegisteredPlatform | None:
    return RegisteredPlatform.objects.filter(platform_id=platform_id).first()


def platform_key_at(*, platform: RegisteredPlatform, sequence: int) -> str:
    """The key that signs the platform's message at ``sequence``: the current one, or for a message
    from before a rotation (a redelivery) the key it replaced."""
    if sequence >= platform.key_since_sequence:
        return platform.public_key
    rotation = (KeyRotation.objects.filter(platform_id=platform.platform_id, effective_sequence__gt=sequence)
                .order_by("effective_sequence", "id").first())
    return rotation.old_public_key if rotation is not None else platform.public_key


def key_rotations(*, platform_id: str):
    return KeyRotation.objects.filter(platform_id=platform_id).order_by("effective_sequence", "id")


def registered_platform_names() -> dict[str, str]:
    return dict(RegisteredPlatform.objects.values_list("platform_id", "name"))


def regulator_profile_for(user) -> RegulatorProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return RegulatorProfile.objects.filter(user=user).first()
