"""Signing in, slowed per account and client address so that passwords cannot be guessed at speed."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import ngettext

from sharecity.kernel.ratelimit import RateLimited, client_address, ratelimit_hit, ratelimit_reset

LOGIN_SCOPE = "login"


class RateLimitedModelBackend(ModelBackend):
    """Django's model backend behind the ``login`` rate limit (``SHARECITY_RATE_LOGIN``).

    Every attempt for an account from an address takes one unit, checked before the password is, so a
    guesser learns nothing once the allowance is spent; a successful sign-in gives it back. Sign-ins
    without a request (the test client, ``manage.py`` commands) are not limited.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        key = f"{str(username).casefold()}\x00{client_address(request)}"
        try:
            ratelimit_hit(scope=LOGIN_SCOPE, key=key)
        except RateLimited as error:
            seconds = error.retry_after
            raise RateLimited(retry_after=seconds, message=ngettext(
                "Too many sign-in attempts for this account: try again in %(seconds)d second.",
                "Too many sign-in attempts for this account: try again in %(seconds)d seconds.", seconds,
            ) % {"seconds": seconds}) from None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            ratelimit_reset(scope=LOGIN_SCOPE, key=key)
        return user
