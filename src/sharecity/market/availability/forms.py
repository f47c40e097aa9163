"""Forms of the provider's calendar: instrument rules, weekly rules, dated exceptions."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability.models import Weekday
from sharecity.market.availability.services import SLOT_CHOICES
from sharecity.market.catalog.models import PriceUnit


def add_service_error(form: forms.Form, error: ShareCityError) -> None:
    """Put a service error on the form field it names, or on the form as a whole."""
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _optional_minutes(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0,
                              widget=forms.NumberInput(attrs={"placeholder": _("no limit")}))


class PlanForm(forms.Form):
    unit = forms.ChoiceField(label=_("Booking unit"), choices=PriceUnit.choices)
    slot_minutes = forms.TypedChoiceField(label=_("Slot (minutes)"), coerce=int,
                                          choices=[(m, str(m)) for m in SLOT_CHOICES])
    min_block_minutes = _optional_minutes(_("Shortest reservation (minutes)"))
    max_block_minutes = _optional_minutes(_("Longest reservation (minutes)"))
    notice_minutes = forms.IntegerField(label=_("Booking notice (minutes ahead)"), required=False, min_value=0)
    horizon_days = _optional_minutes(_("Bookable ahead (days)"))
    max_future_reservations = _optional_minutes(_("Upcoming reservations per user"))
    max_hours_per_week = _optional_minutes(_("Hours per user in any 7 days"))
    missed_release_minutes = _optional_minutes(_("Release when not checked in after (minutes)"))

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["notice_minutes"] = data.get("notice_minutes") or 0
        return data


class RuleForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), coerce=int, choices=Weekday.choices)
    start = forms.TimeField(label=_("Opens"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Closes"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                          help_text=_("at or before the opening time: runs past midnight"))
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=0,
                                  help_text=_("leave empty for the listing's capacity"))


class ExceptionForm(forms.Form):
    CLOSED, OPEN = "closed", "open"
    start_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end_date = forms.DateField(label=_("Until (inclusive)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(label=_("From time"), required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                 help_text=_("leave both times empty for whole days"))
    end_time = forms.TimeField(label=_("Until time"), required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    kind = forms.ChoiceField(label=_("Then"), choices=[(CLOSED, _("Closed")), (OPEN, _("Open with a capacity"))])
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=0)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("start_time")) != bool(data.get("end_time")):
            raise forms.ValidationError(_("Give both times, or neither for whole days."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {"closed": data["kind"] == self.CLOSED, "capacity": data.get("capacity"),
                     "reason": data.get("reason") or ""}
        if data.get("start_time"):
            last = data.get("end_date") or data["start_date"]
            arguments["starts_at"] = dt.datetime.combine(data["start_date"], data["start_time"], tzinfo=CITY_TZ)
            arguments["ends_at"] = dt.datetime.combine(last, data["end_time"], tzinfo=CITY_TZ)
        else:
            arguments["start_date"] = data["start_date"]
            arguments["end_date"] = data.get("end_date")
        return arguments
