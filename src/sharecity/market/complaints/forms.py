from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.market.complaints.models import Answer, ComplaintCategory, EscalatedTo, Outcome, Remedy
from sharecity.market.payments.forms import YuanField

EVIDENCE_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class OrderComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCategory.choices)
    description = forms.CharField(label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    remedy = forms.ChoiceField(label=_("Remedy you want"), choices=Remedy.choices)
    # The files are read from request.FILES and checked by the service (type, size, count).
    evidence = forms.Field(label=_("Evidence"), required=False,
                           widget=MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
                           help_text=_("Up to 5 pictures (JPEG, PNG, WebP) or PDF documents, 5 MB each."))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Answer"), choices=Answer.choices)
    text = forms.CharField(label=_("Answer to the complainant"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    refund = YuanField(label=_("Refund (¥)"), help_text=_("Paid back to the customer through the platform."))
    compensation = YuanField(label=_("Compensation (¥)"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class EscalateForm(forms.Form):
    escalated_to = forms.ChoiceField(label=_("Take the complaint to"), choices=EscalatedTo.choices,
                                     initial=EscalatedTo.MARKET_REGULATOR)


class PolicyForm(forms.Form):
    answer_hours = forms.IntegerField(label=_("Answer within (hours)"), min_value=1, max_value=360, initial=48)
    answer_workdays = forms.IntegerField(label=_("or within (working days)"), min_value=1, max_value=15,
                                         required=False)
