"""The identity re-check routes of the market API (mounted by ``market.api`` under its authentication)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Router, Schema

from sharecity.market.accounts.selectors import recheck_rows
from sharecity.market.apiauth import ERRORS, Caller

router = Router(tags=["identity"])


class RecheckOut(Schema):
    provider_id: uuid.UUID
    provider_name: str
    sector: str
    expires_at: dt.datetime = Field(description="the verification stops holding in this vertical")
    expired: bool = Field(description="past it: no new bookings or publishing in the vertical until verified again")
    reminded_at: dt.datetime | None = Field(description="when the platform told the provider and its operators")
    source: str = Field(description="where the period comes from (a platform setting where no rule sets one)")


@router.get("/p/{platform}/identity-rechecks", response={200: list[RecheckOut], **ERRORS})
def identity_rechecks(request, platform: str):
    """Verifications that expire by vertical: the acting provider's own, or every provider's of the platform
    for its operators and its machine client acting for no one."""
    caller = Caller(request, platform)
    whole = caller.lists_whole_platform or (caller.user is not None and caller.sees_whole_platform
                                            and not caller.machine)
    rows = recheck_rows(platform=caller.platform, user=None if whole else caller.person())
    return [{"provider_id": row["user"].public_id, "provider_name": str(row["user"]), "sector": row["sector"],
             "expires_at": row["expires_at"], "expired": row["expired"], "reminded_at": row["reminded_at"],
             "source": row["source"]} for row in rows[:500]]
