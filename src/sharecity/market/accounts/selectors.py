from __future__ import annotations

from sharecity.kernel.crypto import pseudonym
from sharecity.kernel.models import User
from sharecity.market.accounts.models import ProviderProfile


def provider_profile_for(user) -> ProviderProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ProviderProfile.objects.filter(user=user).first()


def party_key_for_identity_index(index: str) -> str:
    return pseudonym(f"identity:{index}")


def party_key(user: User) -> str:
    """The pseudonym under which the hub sees this person: the same on every platform.

    A verified person is keyed by identity so that two accounts of one person link at
    the hub; anyone else by their account.
    """
    profile = provider_profile_for(user)
    if profile is not None:
        return party_key_for_identity_index(profile.identity_index)
    return pseudonym(f"user:{user.public_id}")
