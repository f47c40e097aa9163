from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.hub.quota.models import Method


class WeightsForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"))
    complaints = forms.IntegerField(label=_("Complaints"), min_value=0, max_value=100)
    parking = forms.IntegerField(label=_("Parking compliance"), min_value=0, max_value=100)
    condition = forms.IntegerField(label=_("Vehicle condition"), min_value=0, max_value=100)
    dispatch = forms.IntegerField(label=_("Dispatch response"), min_value=0, max_value=100)
    complaints_zero_per_thousand = forms.IntegerField(label=_("Complaints per 1,000 vehicles scoring 0"),
                                                      min_value=1, max_value=100_000)
    dispatch_target_minutes = forms.IntegerField(label=_("Dispatch target (minutes)"), min_value=0,
                                                 max_value=100_000)
    dispatch_zero_minutes = forms.IntegerField(label=_("Dispatch minutes scoring 0"), min_value=1, max_value=100_000)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4)


class RunForm(QuarterForm):
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    total = forms.CharField(label=_("Total vehicles"), max_length=12, required=False)
    reserve_new = forms.CharField(label=_("Reserve for new entrants"), max_length=12, required=False)
    shares = forms.CharField(label=_("Shares by rank"), max_length=200, required=False)
    pass_mark = forms.CharField(label=_("Pass mark"), max_length=12, required=False)
    fail_below = forms.CharField(label=_("Fails below"), max_length=12, required=False)
    cuts = forms.CharField(label=_("Cuts"), max_length=100, required=False)
    suspend_at = forms.CharField(label=_("Suspended after failures in a row"), max_length=4, required=False)
    reward_at = forms.CharField(label=_("Receives freed quota from"), max_length=12, required=False)
    by = forms.ChoiceField(label=_("Freed quota pro rata to"), required=False,
                           choices=[("", "—"), ("quota", _("quota")), ("score", _("score"))])
    effective_from = forms.DateField(label=_("Effective from"), required=False)

    OPTIONS = {Method.RANK_SHARES: ("total", "reserve_new", "shares", "pass_mark"),
               Method.PENALTY_LADDER: ("fail_below", "cuts", "suspend_at", "reward_at", "by")}

    def options(self) -> dict[str, str]:
        names = self.OPTIONS.get(self.cleaned_data["method"], ())
        return {name: self.cleaned_data[name] for name in names if self.cleaned_data.get(name)}
