"""A person who uses a platform's pages signed in as themselves joins that platform.

Joining is what lets the platform's API keys act for the person (``X-Acting-User``); it must
come from the person, so it is recorded here, on their own session, and never from a key.
"""

from __future__ import annotations

from sharecity.kernel.errors import NotFound
from sharecity.market.platforms.models import JoinedVia
from sharecity.market.platforms.selectors import platform_get
from sharecity.market.platforms.services import platform_join

SESSION_KEY = "sharecity.platforms_joined"
PLATFORM_PAGES = "/p/"


class PlatformMembershipMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("slug")
        user = getattr(request, "user", None)
        if not slug or not request.path.startswith(PLATFORM_PAGES) or user is None or not user.is_authenticated:
            return None
        joined = request.session.get(SESSION_KEY, [])
        if slug in joined:
            return None
        try:
            platform = platform_get(slug=str(slug))
        except NotFound:
            return None  # the view answers 404 itself
        platform_join(platform=platform, user=user, via=JoinedVia.SESSION)
        request.session[SESSION_KEY] = [*joined, slug]
        return None
