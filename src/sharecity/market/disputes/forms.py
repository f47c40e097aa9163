from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.market.disputes.models import Decision, DisputeReason
from sharecity.market.payments.forms import YuanField


class OpenForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DisputeReason.choices)
    description = forms.CharField(label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    amount_claimed = YuanField(label=_("Amount claimed (yuan)"))


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    refund = YuanField(label=_("Partial refund (yuan)"))
    decision_text = forms.CharField(label=_("Written decision, shown to both sides"), max_length=4000,
                                    widget=forms.Textarea(attrs={"rows": 3}))
