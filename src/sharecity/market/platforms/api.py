"""The operator console's figures through the market API (mounted by ``market.api`` under its
authentication): what the console's tiles show, for the platform's staff and its keys."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema

from sharecity.kernel.errors import Forbidden
from sharecity.market.apiauth import ERRORS, Caller
from sharecity.market.platforms.selectors import console_figures, is_operator

router = Router(tags=["operator console"])


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
