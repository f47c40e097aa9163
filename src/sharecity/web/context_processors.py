"""What the base layout needs to know about the signed-in person's roles."""

from __future__ import annotations

from sharecity.hub.registry.selectors import regulator_profile_for
from sharecity.market.accounts.selectors import provider_profile_for
from sharecity.market.platforms.selectors import platforms_operated_by


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": {"public": True}}
    return {
        "roles": {
            "public": False,
            "regulator": regulator_profile_for(user),
            "provider": provider_profile_for(user),
            "operated_platforms": list(platforms_operated_by(user)),
        }
    }
