"""Identity re-checks on screen: the operator console's list of verifications running out, and the provider's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sharecity.market.accounts.selectors import recheck_rows
from sharecity.market.platforms.selectors import is_operator
from sharecity.market.platforms.web import platform_or_404


@login_required
def identity_rechecks(request, slug: str):
    platform = platform_or_404(slug)
    operator = is_operator(user=request.user, platform=platform)
    rows = recheck_rows(platform=platform, user=None if operator else request.user)
    return render(request, "accounts/identity_rechecks.html", {"platform": platform, "rows": rows,
                                                                "operator": operator})
