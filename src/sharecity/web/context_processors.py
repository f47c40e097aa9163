"""What the base layout needs to know about the signed-in person's roles."""

from __future__ import annotations

from django.utils.translation import get_language

from sharecity.hub.registry.jurisdiction import jurisdiction_for
from sharecity.hub.registry.selectors import regulator_profile_for
from sharecity.market.accounts.selectors import provider_profile_for
from sharecity.market.platforms.selectors import platforms_operated_by


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": {"public": True}}
    regulator = regulator_profile_for(user)
    jurisdiction = None
    if request.path.startswith("/hub/"):
        # On the hub's pages the header says whose data they show: 厦门市 思明区, Tianjin, All cities.
        scope = jurisdiction_for(user)
        jurisdiction = scope.label(language=get_language() or "zh-hans") if scope is not None else None
    return {
        "roles": {
            "public": False,
            "regulator": regulator,
            "provider": provider_profile_for(user),
            "operated_platforms": list(platforms_operated_by(user)),
            "jurisdiction": jurisdiction,
        }
    }
