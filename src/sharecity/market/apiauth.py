"""What every market router shares: how a caller authenticates and whom it acts for.

Each context's ``api.py`` defines a ``Router`` whose paths start with ``/p/{platform}/``
and builds a ``Caller`` from the request; ``market.api`` mounts them all under one
router that carries the authentication (a platform API key or a browser session).
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.kernel.errors import InvalidInput, NotAuthenticated, NotFound
from sharecity.kernel.models import User
from sharecity.market.platforms.errors import WrongPlatform
from sharecity.market.platforms.models import JoinedVia, Platform
from sharecity.market.platforms.selectors import is_operator, member_get, platform_get
from sharecity.market.platforms.services import api_key_authenticate, platform_join


class PlatformKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        return api_key_authenticate(raw=key or "")



class UnknownActingUser(NotFound):
    code = "acting_user.unknown"


class Caller:
    """Who is calling, on which platform, and for whom.

    A platform's key acts only for people who joined that platform; a person signed in with
    their own session joins the platform by using it.
    """

    def __init__(self, request: HttpRequest, slug: str) -> None:
        self.platform: Platform = platform_get(slug=slug)
        auth = request.auth
        if isinstance(auth, Platform):
            if auth.pk != self.platform.pk:
                raise WrongPlatform()
            self.machine = True
            self.user = self._acting_user(request, self.platform)
        else:
            self.machine = False
            self.user = auth
            platform_join(platform=self.platform, user=auth, via=JoinedVia.SESSION)

    @staticmethod
    def _acting_user(request: HttpRequest, platform: Platform) -> User | None:
        acting = request.headers.get("X-Acting-User")
        if not acting:
            return None
        try:
            public_id = uuid.UUID(acting)
        except ValueError:
            raise InvalidInput(_("X-Acting-User must be a person's public id (a UUID)."),
                               field="X-Acting-User", code="acting_user.invalid") from None
        user = member_get(platform=platform, public_id=public_id)
        if user is None:
            # Unknown, inactive and other platforms' people look the same: a key cannot probe
            # which accounts exist elsewhere in the deployment.
            raise UnknownActingUser(_("X-Acting-User is not an active person who joined this platform."),
                                    field="X-Acting-User")
        return user

    def person(self) -> User:
        if self.user is None:
            raise NotAuthenticated(_("This action is taken for a person: send X-Acting-User."), field="X-Acting-User")
        return self.user

    @property
    def lists_whole_platform(self) -> bool:
        """A machine client not acting for anyone lists everything of its platform; otherwise a
        list shows what the acting person may see."""
        return self.machine and self.user is None

    @property
    def sees_whole_platform(self) -> bool:
        return self.machine or is_operator(user=self.user, platform=self.platform)


ERRORS = {**VALIDATION, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
