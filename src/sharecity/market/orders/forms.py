from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.districts import district_choices
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.money import parse_yuan
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.availability.slots import add_months
from sharecity.web.forms import NoPastDateInput, NoPastDateTimeInput

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("rating", _("Rating")),
]


def _language() -> str:
    return get_language() or "zh-hans"


# Every date a customer picks here is a booking's, a search's or a task's deadline: none in the past.
def _datetime_widget(step: int = 3600) -> forms.DateTimeInput:
    return NoPastDateTimeInput(attrs={"step": step})


def _date_widget() -> forms.DateInput:
    return NoPastDateInput()


def _city(moment: dt.datetime | None) -> dt.datetime | None:
    """Form times are city time, whatever the server's zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=None).replace(tzinfo=CITY_TZ) if moment.tzinfo is None else moment.astimezone(CITY_TZ)


def _yuan_field(label) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class SearchForm(forms.Form):
    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    price_min = _yuan_field(_("Lowest price (¥)"))
    price_max = _yuan_field(_("Highest price (¥)"))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)
    starts_at = forms.DateTimeField(label=_("Available from"), required=False, input_formats=DATETIME_FORMATS,
                                    widget=_datetime_widget())
    ends_at = forms.DateTimeField(label=_("Until"), required=False, input_formats=DATETIME_FORMATS,
                                  widget=_datetime_widget())
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=1, max_value=1000)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        zh = _language().startswith("zh")
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.code, c.name_zh if zh else c.name_en) for c in categories]
        self.fields["district"].choices = [("", _("Any district")), *district_choices(language=_language())]

    def _fen(self, name: str) -> int | None:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return None
        try:
            return parse_yuan(value, field=name)
        except InvalidInput:
            self.add_error(name, _("Enter an amount in yuan, e.g. 120 or 99.50."))
            return None

    def clean(self):
        data = super().clean()
        data["price_min_fen"] = self._fen("price_min")
        data["price_max_fen"] = self._fen("price_max")
        starts, ends = _city(data.get("starts_at")), _city(data.get("ends_at"))
        if (starts is None) != (ends is None):
            self.add_error("ends_at" if starts else "starts_at", _("Give both ends of the time, or neither."))
        elif starts and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        data["starts_at"], data["ends_at"] = starts, ends
        return data


class OrderForm(forms.Form):
    """When and how many: the times are whole hours, or dates for days and nights; none for goods."""

    starts_at = forms.DateTimeField(label=_("From"), required=False, input_formats=DATETIME_FORMATS,
                                    widget=_datetime_widget())
    ends_at = forms.DateTimeField(label=_("Until"), required=False, input_formats=DATETIME_FORMATS,
                                  widget=_datetime_widget())
    start_date = forms.DateField(label=_("From"), required=False, widget=_date_widget())
    end_date = forms.DateField(label=_("Until"), required=False, widget=_date_widget())
    # A lease (price per month) runs whole months from the move-in date.
    months = forms.IntegerField(label=_("Months"), required=False, min_value=1, max_value=60, initial=12)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1000, initial=1)
    message = forms.CharField(label=_("Message to the provider"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    # Online consultation only follows a diagnosis made offline (国卫医发〔2018〕25号 第十六条); the service checks.
    follow_up_confirmed = forms.BooleanField(
        label=_("This is a follow-up visit: a hospital or clinic diagnosed this condition before"), required=False)
    prior_diagnosis_institution = forms.CharField(label=_("Diagnosed at (hospital or clinic)"), required=False,
                                                  max_length=100)
    # A day in the past (at most today, set as ``max`` below): not the booking calendar's no-past-days input.
    prior_diagnosis_on = forms.DateField(label=_("Diagnosed on"), required=False,
                                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, unit: str = "hour", capacity: int = 1, with_message: bool = False,
                 follow_up: bool = False, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if follow_up:
            if today is not None:
                self.fields["prior_diagnosis_on"].widget.attrs["max"] = today.isoformat()
        else:
            del self.fields["follow_up_confirmed"], self.fields["prior_diagnosis_institution"]
            del self.fields["prior_diagnosis_on"]
        self.unit = unit
        if unit != "month":
            del self.fields["months"]
        if unit == "month":
            del self.fields["starts_at"], self.fields["ends_at"], self.fields["end_date"]
            self.fields["start_date"].required = self.fields["months"].required = True
            self.fields["start_date"].label = _("Move-in date")
        elif unit in ("day", "night"):
            del self.fields["starts_at"], self.fields["ends_at"]
            self.fields["start_date"].required = self.fields["end_date"].required = True
            if unit == "night":
                self.fields["start_date"].label, self.fields["end_date"].label = _("Check-in"), _("Check-out")
        else:
            del self.fields["start_date"], self.fields["end_date"]
            if unit == "item":
                del self.fields["starts_at"], self.fields["ends_at"]
            else:
                self.fields["starts_at"].required = self.fields["ends_at"].required = True
        self.fields["quantity"].max_value = max(capacity, 1)
        self.fields["quantity"].widget.attrs["max"] = max(capacity, 1)
        if capacity <= 1:
            self.fields["quantity"].widget = forms.HiddenInput()
        if not with_message:
            del self.fields["message"]

    def times(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        data = self.cleaned_data
        if self.unit == "month":
            return (dt.datetime.combine(data["start_date"], dt.time(0), tzinfo=CITY_TZ),
                    dt.datetime.combine(add_months(data["start_date"], data["months"]), dt.time(0), tzinfo=CITY_TZ))
        if self.unit in ("day", "night"):
            return (dt.datetime.combine(data["start_date"], dt.time(0), tzinfo=CITY_TZ),
                    dt.datetime.combine(data["end_date"], dt.time(0), tzinfo=CITY_TZ))
        if self.unit == "item":
            return None, None
        return _city(data["starts_at"]), _city(data["ends_at"])

    def follow_up(self) -> dict:
        """What the patient said of the prior offline diagnosis (empty for other listings)."""
        if "follow_up_confirmed" not in self.fields:
            return {}
        data = self.cleaned_data
        return {"follow_up_confirmed": bool(data.get("follow_up_confirmed")),
                "prior_diagnosis_institution": data.get("prior_diagnosis_institution") or "",
                "prior_diagnosis_on": data.get("prior_diagnosis_on")}


def order_form_initial(unit: str, now: dt.datetime) -> dict:
    local = now.astimezone(CITY_TZ)
    if unit == "month":
        return {"start_date": local.date() + dt.timedelta(days=7), "months": 12, "quantity": 1}
    if unit in ("day", "night"):
        day = local.date() + dt.timedelta(days=1)
        return {"start_date": day, "end_date": day + dt.timedelta(days=1), "quantity": 1}
    start = local.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=2)
    return {"starts_at": start.replace(tzinfo=None), "ends_at": (start + dt.timedelta(hours=2)).replace(tzinfo=None),
            "quantity": 1}


class TransitionForm(forms.Form):
    """What a transition may ask of the actor; only the fields it needs are shown."""

    tracking_no = forms.CharField(label=_("Tracking number"), required=False, max_length=64)
    deduction = forms.CharField(label=_("Deduction from the deposit (¥)"), required=False,
                                widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    milestone_id = forms.IntegerField(label=_("Milestone"), required=False, widget=forms.HiddenInput())

    def data_for(self, transition: str) -> dict:
        data = self.cleaned_data
        out: dict = {}
        if transition == "ship":
            out["tracking_no"] = data.get("tracking_no") or ""
        if transition == "report_damage":
            try:
                out["deduction_fen"] = parse_yuan(data.get("deduction") or "0", field="deduction")
            except InvalidInput:
                out["deduction_fen"] = 0
            out["reason"] = data.get("reason") or ""
        if transition in ("deliver_milestone", "approve_milestone") and data.get("milestone_id"):
            out["milestone_id"] = data["milestone_id"]
        return out


class TaskForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    budget = forms.CharField(label=_("Budget (¥)"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    deadline = forms.DateField(label=_("Deadline"), widget=_date_widget())
    district = forms.ChoiceField(label=_("District"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        zh = _language().startswith("zh")
        self.fields["category"].choices = [(c.code, c.name_zh if zh else c.name_en) for c in categories]
        self.fields["district"].choices = district_choices(language=_language())

    def clean_budget(self) -> int:
        try:
            return parse_yuan(self.cleaned_data["budget"], field="budget")
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from None

    def deadline_at(self) -> dt.datetime:
        return dt.datetime.combine(self.cleaned_data["deadline"], dt.time(23, 59), tzinfo=CITY_TZ)


class BidForm(forms.Form):
    amount = forms.CharField(label=_("Your price (¥)"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    days = forms.IntegerField(label=_("Days to deliver"), min_value=1, max_value=365)
    milestones = forms.CharField(
        label=_("Milestones"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: title, then the amount in yuan, e.g. \"Design 2000\". Empty: one milestone."))
    message = forms.CharField(label=_("Message"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def clean_amount(self) -> int:
        try:
            return parse_yuan(self.cleaned_data["amount"], field="amount")
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from None

    def clean_milestones(self) -> list[dict]:
        plan = []
        for line in (self.cleaned_data.get("milestones") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            title, _sep, amount = line.rpartition(" ")
            try:
                plan.append({"title": title.strip(), "amount_fen": parse_yuan(amount, field="milestones")})
            except InvalidInput:
                raise forms.ValidationError(
                    _("Write each milestone as its title, a space and its amount in yuan.")) from None
        return plan
