from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.hub.publicity.models import CreditList, Severity, SubjectKind

_DATE = forms.DateInput(attrs={"type": "date"})


class PenaltyForm(forms.Form):
    subject_kind = forms.ChoiceField(label=_("Subject kind"), choices=SubjectKind.choices)
    subject_identifier = forms.CharField(label=_("Credit code or pseudonymous key"), max_length=64)
    subject_name = forms.CharField(label=_("Subject name (enterprises)"), max_length=120, required=False)
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    law = forms.CharField(label=_("Law"), max_length=200)
    article = forms.CharField(label=_("Article"), max_length=100)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=_DATE)
    district_code = forms.CharField(label=_("District code (optional)"), max_length=6, required=False)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class ListEntryForm(forms.Form):
    credit_list = forms.ChoiceField(label=_("List"), choices=CreditList.choices)
    subject_kind = forms.ChoiceField(label=_("Subject kind"), choices=[
        (SubjectKind.PERSON, SubjectKind.PERSON.label), (SubjectKind.BUSINESS, SubjectKind.BUSINESS.label)])
    subject_identifier = forms.CharField(label=_("Pseudonymous key"), max_length=64)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=500)
    basis_decision_number = forms.CharField(label=_("Penalty it rests on (decision number, optional)"),
                                            max_length=100, required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=_DATE)
    effective_on = forms.DateField(label=_("Effective from"), widget=_DATE)
    expires_on = forms.DateField(label=_("Expires on"), widget=_DATE, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    measures = forms.CharField(label=_("Measures (one per line)"), widget=forms.Textarea(attrs={"rows": 3}),
                               required=False, max_length=4000)

    def measure_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("measures", "").splitlines() if line.strip()]


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for removal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Repair: end the publicity")),
                                                               ("reject", _("Do not repair"))])
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RepairApplyForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    subject_identifier = forms.CharField(label=_("Credit code or pseudonymous key"), max_length=64)
    performance = forms.CharField(label=_("How the penalty was performed"), widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=2000)
    correction = forms.CharField(label=_("How the conduct was corrected"), widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=2000)
    commitment = forms.CharField(label=_("Public credit commitment"), widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=2000)
    evidence = forms.CharField(label=_("Evidence (optional)"), widget=forms.Textarea(attrs={"rows": 2}),
                               max_length=2000, required=False)


class FollowForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=20)
    secret = forms.CharField(label=_("Secret"), max_length=64, widget=forms.PasswordInput(render_value=True))
