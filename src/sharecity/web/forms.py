"""The sign-in form, which shows a spent sign-in allowance as a form error."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from sharecity.kernel.ratelimit import RateLimited


class ShareCityAuthenticationForm(AuthenticationForm):
    retry_after: int | None = None

    def clean(self):
        try:
            return super().clean()
        except RateLimited as error:
            self.retry_after = error.retry_after
            raise ValidationError(str(error.message), code="rate_limited") from None
