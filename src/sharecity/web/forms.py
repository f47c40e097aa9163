"""The sign-in form, which shows a spent sign-in allowance as a form error; date inputs without past days."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from sharecity.kernel.ratelimit import RateLimited
from sharecity.kernel.timeutil import CITY_TZ


class ShareCityAuthenticationForm(AuthenticationForm):
    retry_after: int | None = None

    def clean(self):
        try:
            return super().clean()
        except RateLimited as error:
            self.retry_after = error.retry_after
            raise ValidationError(str(error.message), code="rate_limited") from None


def _city_today() -> dt.date:
    return timezone.now().astimezone(CITY_TZ).date()


class NoPastDateInput(forms.DateInput):
    """A date input whose calendar offers no day before today in the city (bookings, deadlines): the
    ``min`` is set when the form is shown, so a page left open over midnight is corrected by a reload."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d") -> None:
        super().__init__(attrs, format)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("min", _city_today().isoformat())
        return context


class NoPastDateTimeInput(forms.DateTimeInput):
    """A date and time input (city time) whose calendar offers no day before today."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M") -> None:
        super().__init__(attrs, format)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("min", f"{_city_today().isoformat()}T00:00")
        return context
