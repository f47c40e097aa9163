"""Forms officers fill in: a target of the city, a designation and its withdrawal, a new scheme version, an
evaluation run."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.hub.evaluation.models import Category, DesignationKind, Measure


class TargetForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    measure = forms.ChoiceField(label=_("Measured by"), choices=Measure.choices)
    category = forms.ChoiceField(label=_("Category of platforms"), choices=Category.choices, required=False)
    designation_kinds = forms.MultipleChoiceField(label=_("Designations that count"), choices=DesignationKind.choices,
                                                  required=False, widget=forms.CheckboxSelectMultiple)
    target_value = forms.IntegerField(label=_("Target"), min_value=1, max_value=1_000_000)
    target_year = forms.IntegerField(label=_("Target year"), min_value=2000, max_value=2100)
    source_document = forms.CharField(label=_("Source document"), max_length=200)
    source_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    source_article = forms.CharField(label=_("Article"), max_length=60)
    source_text = forms.CharField(label=_("Wording of the source"), max_length=300, required=False)


class DesignationForm(forms.Form):
    platform_id = forms.ChoiceField(label=_("Platform"))
    kind = forms.ChoiceField(label=_("Recognised as"), choices=DesignationKind.choices)
    decision_reference = forms.CharField(label=_("Decision reference"), max_length=120)
    evidence = forms.CharField(label=_("Evidence"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    recognised_on = forms.DateField(label=_("Recognised on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, platforms: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform_id"].choices = list(platforms)


class WithdrawForm(forms.Form):
    decision_reference = forms.CharField(label=_("Withdrawal decision"), max_length=120)
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=forms.DateInput(attrs={"type": "date"}))


class SchemeForm(forms.Form):
    indicators = forms.CharField(label=_("Indicators (JSON)"), max_length=20_000,
                                 widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}))
    negative_threshold = forms.DecimalField(label=_("Negative-list threshold (index 0-100)"), min_value=0,
                                            max_value=100, decimal_places=2, max_digits=5)
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RunForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)])
    fund = forms.CharField(label=_("Special fund (yuan)"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
