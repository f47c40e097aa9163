from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.money import parse_yuan
from sharecity.market.disputes.models import Decision, DisputeReason


class YuanField(forms.CharField):
    """An amount typed in yuan (12.50), cleaned to fen."""

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return 0
        try:
            return parse_yuan(value)
        except (ShareCityError, ValueError):
            raise forms.ValidationError(_("Enter an amount in yuan, such as 12.50.")) from None


class OpenForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DisputeReason.choices)
    description = forms.CharField(label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    amount_claimed = YuanField(label=_("Amount claimed (yuan)"), required=False, max_length=12)


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    refund = YuanField(label=_("Partial refund (yuan)"), required=False, max_length=12)
    decision_text = forms.CharField(label=_("Written decision, shown to both sides"), max_length=4000,
                                    widget=forms.Textarea(attrs={"rows": 3}))
