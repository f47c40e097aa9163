"""The owner's qualification forms: what an instrument requires, and a user's training record."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequirementForm(forms.Form):
    listing = forms.UUIDField(widget=forms.HiddenInput())
    codes = forms.MultipleChoiceField(label=_("Booking requires"), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = list(choices)


class QualificationForm(forms.Form):
    holder = forms.CharField(label=_("User (mobile phone or user name)"), max_length=150)
    code = forms.ChoiceField(label=_("Qualification"))
    record_no = forms.CharField(label=_("Training record number"), required=False, max_length=64)
    trained_on = forms.DateField(label=_("Trained on"), widget=_date_widget())
    expires_on = forms.DateField(label=_("Valid until"), widget=_date_widget(),
                                 help_text=_("The last day the user may book; the day after, bookings are refused."))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = list(choices)
