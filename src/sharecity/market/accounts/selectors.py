from __future__ import annotations

from sharecity.exchange.pseudonyms import party_key_for_account
from sharecity.kernel.models import User
from sharecity.market.accounts.models import ProviderProfile


def provider_profile_for(user) -> ProviderProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ProviderProfile.objects.filter(user=user).first()


def party_key(user: User) -> str:
    """The pseudonym under which the hub sees this person.

    A verified person is keyed by their identity number under the city's key, so every
    platform reports them under the same key and the hub links them without learning who
    they are; anyone else by their account.
    """
    profile = provider_profile_for(user)
    if profile is not None and profile.party_key:
        return profile.party_key
    return party_key_for_account(str(user.public_id))
