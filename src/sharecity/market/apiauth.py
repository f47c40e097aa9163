"""What every market router shares: how a caller authenticates and whom it acts for.

Each context's ``api.py`` defines a ``Router`` whose paths start with ``/p/{platform}/``
and builds a ``Caller`` from the request; ``market.api`` mounts them all under one
router that carries the authentication (a platform API key or a browser session).
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.security import APIKeyHeader

from sharecity.kernel.errors import InvalidInput, NotAuthenticated
from sharecity.kernel.models import User
from sharecity.market.platforms.errors import WrongPlatform
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_operator, platform_get
from sharecity.market.platforms.services import api_key_authenticate


class PlatformKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        return api_key_authenticate(raw=key or "")



class Caller:
    """Who is calling, on which platform, and for whom."""

    def __init__(self, request: HttpRequest, slug: str) -> None:
        self.platform: Platform = platform_get(slug=slug)
        auth = request.auth
        if isinstance(auth, Platform):
            if auth.pk != self.platform.pk:
                raise WrongPlatform()
            self.machine = True
            self.user = self._acting_user(request)
        else:
            self.machine = False
            self.user = auth

    @staticmethod
    def _acting_user(request: HttpRequest) -> User | None:
        acting = request.headers.get("X-Acting-User")
        if not acting:
            return None
        try:
            return User.objects.get(public_id=uuid.UUID(acting), is_active=True)
        except (ValueError, User.DoesNotExist):
            raise InvalidInput(_("X-Acting-User must be the public id of an active account."),
                               field="X-Acting-User") from None

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


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
