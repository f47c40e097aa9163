"""Forms of the parking pages. They parse and shape input; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.districts import district_choices
from sharecity.kernel.errors import InvalidInput, ShareCityError
from sharecity.kernel.money import parse_yuan
from sharecity.kernel.timeutil import city_datetime
from sharecity.market.accounts.models import SubjectKind
from sharecity.market.complaints.models import ComplaintCategory, Remedy
from sharecity.market.parking.models import VehicleSize, Weekday
from sharecity.market.parking.windows import WeeklyWindow
from sharecity.web.forms import NoPastDateInput

HALF_HOURS = [(f"{hour:02d}:{minute:02d}", f"{hour:02d}:{minute:02d}") for hour in range(24) for minute in (0, 30)]


def half_hour(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def add_service_error(form: forms.Form, error: ShareCityError, *, aliases: dict[str, str] | None = None) -> None:
    """Put a service error on the form field it names, or on the form as a whole."""
    field = (aliases or {}).get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, str(error.message))


def _language() -> str:
    return get_language() or "zh-hans"


def _date_widget() -> forms.DateInput:
    """A stay's or a search's day: no past day is offered."""
    return NoPastDateInput()


def stay_bounds(day: dt.date, start: str, end: str) -> tuple[dt.datetime, dt.datetime]:
    """City-time start and end of a stay; an end before the start is on the next day."""
    starts_at = city_datetime(day, half_hour(start))
    end_day = day + dt.timedelta(days=1) if half_hour(end) < half_hour(start) else day
    return starts_at, city_datetime(end_day, half_hour(end))


class StayForm(forms.Form):
    """A stay: a date and a start and end time on the half hour (an earlier end means the next day)."""

    date = forms.DateField(label=_("Date"), widget=_date_widget())
    start = forms.ChoiceField(label=_("From"), choices=HALF_HOURS)
    end = forms.ChoiceField(label=_("Until"), choices=HALF_HOURS,
                            help_text=_("An end before the start means the next day."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] == cleaned["end"]:
            self.add_error("end", _("The end must be after the start."))
        return cleaned

    def stay(self) -> tuple[dt.datetime, dt.datetime]:
        data = self.cleaned_data
        return stay_bounds(data["date"], data["start"], data["end"])


class SearchForm(forms.Form):
    district = forms.ChoiceField(label=_("District"), required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=_date_widget())
    start = forms.ChoiceField(label=_("From"), required=False)
    end = forms.ChoiceField(label=_("Until"), required=False)
    vehicle_size = forms.ChoiceField(label=_("Vehicle"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("Any district")), *district_choices(language=_language())]
        self.fields["start"].choices = [("", "—"), *HALF_HOURS]
        self.fields["end"].choices = [("", "—"), *HALF_HOURS]
        self.fields["vehicle_size"].choices = [("", _("Any vehicle")), *VehicleSize.choices]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and not end:
            self.add_error("end", _("Choose when the stay ends."))
        elif end and not start:
            self.add_error("start", _("Choose when the stay starts."))
        elif start and end and start == end:
            self.add_error("end", _("The end must be after the start."))
        if start and end and not cleaned.get("date"):
            cleaned["date"] = timezone.localdate()
        return cleaned

    def stay(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        data = self.cleaned_data
        if not (data.get("start") and data.get("end")):
            return None, None
        return stay_bounds(data["date"], data["start"], data["end"])


class VerifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("I am"), choices=SubjectKind.choices, widget=forms.RadioSelect,
                             initial=SubjectKind.PERSON)
    legal_name = forms.CharField(label=_("Legal name"), max_length=120,
                                 help_text=_("Your name as on your ID card, or the business's registered name."))
    id_number = forms.CharField(
        label=_("ID number"), max_length=30,
        help_text=_("Resident ID number (18 characters) for a person; unified social credit code for a business."),
    )


class SpaceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    district = forms.ChoiceField(label=_("District"))
    address = forms.CharField(label=_("Address"), max_length=200)
    vehicle_size = forms.ChoiceField(label=_("Largest vehicle"), choices=VehicleSize.choices,
                                     initial=VehicleSize.STANDARD)
    price_per_hour = forms.CharField(label=_("Price per hour (yuan)"), max_length=12,
                                     widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "8.00"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = district_choices(language=_language())
        for weekday in Weekday:
            self.fields[f"day{weekday.value}_on"] = forms.BooleanField(label=weekday.label, required=False)
            self.fields[f"day{weekday.value}_from"] = forms.ChoiceField(label=_("From"), choices=HALF_HOURS,
                                                                        initial="19:00")
            self.fields[f"day{weekday.value}_until"] = forms.ChoiceField(label=_("Until"), choices=HALF_HOURS,
                                                                         initial="08:00")

    def day_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(self[f"day{d.value}_on"], self[f"day{d.value}_from"], self[f"day{d.value}_until"]) for d in Weekday]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("title", "district", "address", "vehicle_size", "price_per_hour")]

    def clean_price_per_hour(self) -> int:
        try:
            return parse_yuan(self.cleaned_data["price_per_hour"], field="price_per_hour")
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from None

    def windows(self) -> list[WeeklyWindow]:
        data = self.cleaned_data
        return [
            WeeklyWindow(d.value, half_hour(data[f"day{d.value}_from"]), half_hour(data[f"day{d.value}_until"]))
            for d in Weekday
            if data.get(f"day{d.value}_on")
        ]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Rating"), coerce=int, initial=5,
                                    choices=[(n, "★" * n) for n in range(5, 0, -1)])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCategory.choices)
    description = forms.CharField(label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    remedy = forms.ChoiceField(label=_("Remedy you want"), choices=Remedy.choices)


class ApiKeyForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=80,
                            help_text=_("What the key is for, such as “booking sync”."))
