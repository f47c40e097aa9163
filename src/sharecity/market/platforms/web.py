"""What every market screen does first: find the platform named in the URL, as a page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sharecity.kernel.errors import NotFound
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator, platform_get


def platform_or_404(slug: str) -> Platform:
    try:
        return platform_get(slug=slug)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def operator_platform_or_403(request, slug: str, *, refusal) -> Platform:
    """The platform, for its operator staff only; ``refusal`` says what others may not do."""
    platform = platform_or_404(slug)
    if not is_operator(user=request.user, platform=platform):
        raise PermissionDenied(refusal)
    return platform
