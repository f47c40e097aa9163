"""Forms regulators fill in for records they enter: credit commitments (the national template), their
fulfilment, and honours."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

COMMITMENT_TYPE_CHOICES = [
    ("approval", _("Commitment for an administrative approval (审批替代型)")),
    ("certification", _("Commitment replacing a certificate (证明事项型)")),
    ("repair", _("Commitment for credit repair (信用修复型)")),
    ("industry", _("Industry self-discipline commitment (行业自律型)")),
    ("voluntary", _("Voluntary commitment (主动型)")),
]
FULFILMENT_CHOICES = [
    ("full", _("Fully kept (全部履行)")),
    ("partial", _("Partly kept (部分履行)")),
    ("none", _("Not kept (未履行)")),
]


class CommitmentForm(forms.Form):
    commitment_type = forms.ChoiceField(label=_("Type of commitment"), choices=COMMITMENT_TYPE_CHOICES)
    content = forms.CharField(label=_("Content of the commitment"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 3}))
    liability = forms.CharField(label=_("Liability accepted for breach"), max_length=1000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))


class FulfilmentForm(forms.Form):
    fulfilment = forms.ChoiceField(label=_("Fulfilment"), choices=FULFILMENT_CHOICES)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class HonourForm(forms.Form):
    issuer = forms.CharField(label=_("Issued by"), max_length=120)
    title = forms.CharField(label=_("Title of the honour"), max_length=150)
    awarded_on = forms.DateField(label=_("Awarded on"), widget=forms.DateInput(attrs={"type": "date"}))
