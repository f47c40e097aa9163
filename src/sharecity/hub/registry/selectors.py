from __future__ import annotations

from sharecity.hub.registry.models import (
    KeyRotation,
    LicenceDeclaration,
    PlatformLicence,
    RegisteredPlatform,
    RegulatorProfile,
)


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


def credit_code_division(credit_code: str) -> str:
    """The registration authority's GB/T 2260 code inside a unified social credit code
    (characters 3 to 8, GB 32100-2015, 4.3): where the holder is registered."""
    return credit_code[2:8] if len(credit_code) == 18 else ""


def platforms_registered_in(*, division_prefixes: list[str] | None) -> set[str]:
    """Platforms whose credit code names a registration authority whose code starts with one of
    ``division_prefixes`` (every registered platform for None)."""
    platforms = RegisteredPlatform.objects.values_list("platform_id", "credit_code")
    if division_prefixes is None:
        return {platform_id for platform_id, _code in platforms}
    return {platform_id for platform_id, code in platforms
            if any(credit_code_division(code).startswith(prefix) for prefix in division_prefixes if prefix)}


def current_licences(*, platform_ids: list[str]) -> dict[str, list[PlatformLicence]]:
    """Each platform's current set of licences: those of its latest declaration (by declared_at). A platform
    that never declared is absent; one whose latest declaration is empty maps to []."""
    latest: dict[str, int] = {}
    for declaration_id, platform_id in (LicenceDeclaration.objects.filter(platform_id__in=platform_ids)
                                        .order_by("platform_id", "-declared_at", "-id")
                                        .values_list("id", "platform_id")):
        latest.setdefault(platform_id, declaration_id)
    found: dict[str, list[PlatformLicence]] = {platform_id: [] for platform_id in latest}
    by_declaration = {declaration_id: platform_id for platform_id, declaration_id in latest.items()}
    for licence in PlatformLicence.objects.filter(declaration_id__in=list(by_declaration)).order_by(
            "kind", "number", "id"):
        found[by_declaration[licence.declaration_id]].append(licence)
    return found


def licence_declarations(*, platform_id: str):
    """Every declaration of the platform, the latest first: the history of its licences."""
    return LicenceDeclaration.objects.filter(platform_id=platform_id).order_by("-declared_at", "-id")
