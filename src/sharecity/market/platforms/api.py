"""Platform routes of the market API (mounted by ``market.api``): the platform's administrative licences
(《中华人民共和国电子商务法》第十五条), read and replaced as a whole set, which goes to the city; and the operator
console's figures, what the console's tiles show, for the platform's staff and its keys."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from sharecity.exchange.schemas import LICENCES_MAX_ITEMS, LINE_PATTERN
from sharecity.kernel import limits
from sharecity.kernel.errors import Forbidden
from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.platforms import selectors, services
from sharecity.market.platforms.selectors import console_figures, is_operator

router = Router(tags=["platforms"])


class PlatformLicenceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["value_added_telecom", "ride_hailing_operation", "other"] = Field(
        description="value_added_telecom (增值电信业务经营许可证), "
        "ride_hailing_operation (网络预约出租汽车经营许可证), or other, named in name")
    name: str | None = Field(None, min_length=1, max_length=limits.NAME_MAX_LENGTH, pattern=LINE_PATTERN,
                             description="the licence's title; required for kind other")
    number: str = Field(min_length=1, max_length=limits.IDENTIFIER_MAX_LENGTH, pattern=LINE_PATTERN)
    issued_by: str = Field(min_length=1, max_length=limits.NAME_MAX_LENGTH, pattern=LINE_PATTERN)
    valid_from: dt.date = Field(description="not in the future")
    valid_until: dt.date | None = Field(None, description="null for a licence without a term")


class PlatformLicencesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    licences: list[PlatformLicenceIn] = Field(max_length=LICENCES_MAX_ITEMS,
                                      description="the whole current set; an empty list declares none")


class PlatformLicenceOut(Schema):
    id: int
    kind: str
    name: str
    number: str
    issued_by: str
    valid_from: dt.date
    valid_until: dt.date | None


def _out(licences) -> list[dict]:
    return [{"id": row.pk, "kind": row.kind, "name": row.name, "number": row.number, "issued_by": row.issued_by,
             "valid_from": row.valid_from, "valid_until": row.valid_until} for row in licences]


@router.get("/p/{platform}/licences", response={200: list[PlatformLicenceOut], **ERRORS})
def licences_list(request, platform: str):
    """The platform's administrative licences as last declared. Its operators or its API key."""
    caller = Caller(request, platform)
    if not (caller.machine or is_operator(user=caller.user, platform=caller.platform)):
        raise Forbidden(_("Only the platform's operators may see its licences."), field="actor",
                        code="licences.not_operator")
    return _out(selectors.licences_of(platform=caller.platform))


@router.put("/p/{platform}/licences", response={200: list[PlatformLicenceOut], **ERRORS})
def licences_replace(request, platform: str, data: PlatformLicencesIn):
    """Replace the platform's administrative licences with the whole set given, and send it to the city
    (exchange message platform.licences_declared), where the public directory shows it."""
    caller = Caller(request, platform)
    licences = [row.dict() for row in data.licences]
    return _out(services.licences_declare(actor=caller.user, platform=caller.platform, licences=licences,
                                          machine=caller.machine))


class ConsoleFigureOut(Schema):
    code: str
    label: str
    now: int
    daily_label: str
    last_7: int
    previous_7: int
    daily: list[int]
    first_day: dt.date


@router.get("/p/{platform}/console/figures", response={200: list[ConsoleFigureOut], **ERRORS})
def console_figures_get(request, platform: str):
    """Orders, open complaints and listings waiting for moderation: the figure now, the last 7 days
    against the 7 before, and the fortnight's daily counts (city days, oldest first)."""
    caller = Caller(request, platform)
    if not (caller.lists_whole_platform or is_operator(user=caller.user, platform=caller.platform)):
        raise Forbidden(_("Only the platform's staff may see its console."), field="actor")
    return [{**figure, "label": str(figure["label"]), "daily_label": str(figure["daily_label"])}
            for figure in console_figures(platform=caller.platform)]
