"""Forms of the enforcement pages. They shape input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sharecity.hub.enforcement.models import CaseSubjectKind, SourceKind
from sharecity.hub.facts.forms import PickerField, PickerFormMixin
from sharecity.hub.registry.models import Department
from sharecity.kernel import limits
from sharecity.kernel.districts import DISTRICTS


def district_choices(city_code: str | None, district_code: str | None) -> list[tuple[str, str]]:
    zh = (get_language() or "zh-hans").startswith("zh")
    return [(code, d.name_zh if zh else d.name_en) for code, d in sorted(DISTRICTS.items())
            if (city_code is None or d.city_code == city_code) and (not district_code or code == district_code)]


class CaseForm(PickerFormMixin, forms.Form):
    district_code = forms.ChoiceField(label=_("District"), choices=[])
    source_kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices, initial=SourceKind.MANUAL)
    source_ref = forms.CharField(label=_("Source reference"), required=False, max_length=limits.IDENTIFIER_MAX_LENGTH,
                                 help_text=_("The warning's, complaint's or inspection's id."))
    # The platform before the subject: a listing or a subject is looked up on the platform chosen.
    platform_id = PickerField(label=_("Platform"), required=False, kind="platforms")
    subject_kind = forms.ChoiceField(label=_("Subject kind"), choices=CaseSubjectKind.choices)
    subject_ref = PickerField(
        label=_("Subject"), kind_field="subject_kind", platform_field="platform_id",
        # A credit code is typed; a pseudonymous key may be one the hub has not seen in a fact yet.
        free_values=frozenset({"enterprise", "business", "person"}),
        kinds={"platform": "platforms", "business": "subjects", "person": "subjects", "listing": "listings"},
        help_text=_("Pick by name; an enterprise by its unified social credit code."))
    summary = forms.CharField(label=_("Summary"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, jurisdiction, **kwargs) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        self.fields["district_code"].choices = district_choices(jurisdiction.city_code, jurisdiction.district_code)


class HandoverForm(forms.Form):
    to_department = forms.ChoiceField(label=_("To department"), choices=Department.choices)
    to_district_code = forms.ChoiceField(label=_("To district"), choices=[])
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, city_code: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_district_code"].choices = district_choices(city_code, None)


SEVERITIES = [("light", _("Light (轻微失信)")), ("ordinary", _("Ordinary (一般失信)")),
              ("serious", _("Serious (严重失信)"))]


class DecisionForm(forms.Form):
    violation_code = forms.ChoiceField(label=_("Violation"), choices=[])
    found_on = forms.DateField(label=_("Violation found on"), widget=forms.DateInput(attrs={"type": "date"}))
    minor = forms.BooleanField(label=_("Minor, no harmful consequence"), required=False)
    correction_due = forms.DateField(label=_("Correction due"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    corrected_on = forms.DateField(label=_("Corrected on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Fine (yuan)"), required=False, min_value=Decimal("0.01"),
                                max_value=Decimal("10000000"), decimal_places=2, max_digits=12,
                                help_text=_("Only when the case does not qualify for leniency."))
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=100)
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITIES, initial="ordinary", required=False)

    def __init__(self, *args, violations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zh = (get_language() or "zh-hans").startswith("zh")
        self.fields["violation_code"].choices = [
            (v.code, f"{v.code} {v.name_zh if zh else v.name_en}") for v in violations]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        amount = data.pop("amount")
        data["amount_fen"] = int(amount * 100) if amount is not None else None
        data["severity"] = data.get("severity") or "ordinary"
        return data


DIRECTIVE_KINDS = [("recall", _("Recall order")), ("rectification", _("Rectification order"))]


class DirectiveForm(PickerFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Order"), choices=DIRECTIVE_KINDS)
    legal_reference = forms.CharField(label=_("Legal basis"), max_length=200)
    recall_id = forms.CharField(label=_("Recall number"), required=False, max_length=limits.IDENTIFIER_MAX_LENGTH)
    product = forms.CharField(label=_("Product, model and batch"), required=False, max_length=200)
    listing_ids = PickerField(label=_("Listings concerned"), required=False, kind="listings", multiple=True)
    reason = forms.CharField(label=_("Defect and danger"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    finding = forms.CharField(label=_("What is to be rectified"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


    def service_fields(self, violation_code: str) -> dict:
        data = self.cleaned_data
        if data["kind"] == "recall":
            ids = list(data.get("listing_ids") or [])
            return {"recall_id": data["recall_id"], "product": data["product"], "listing_ids": ids,
                    "reason": data["reason"], "measures": ["remove_listings", "stop_sales", "notify_buyers"]}
        return {"subject_type": "platform",
                "findings": [{"code": violation_code or "RECTIFY", "description": data["finding"]}]}


class TraceForm(PickerFormMixin, forms.Form):
    platform_id = PickerField(label=_("Platform"), kind="platforms")
    listing_id = PickerField(label=_("Listing"), required=False, kind="listings", platform_field="platform_id")
    complaint_id = forms.CharField(label=_("Complaint id"), required=False, max_length=limits.IDENTIFIER_MAX_LENGTH)


class LeniencyForm(forms.Form):
    violation_code = forms.ChoiceField(label=_("Violation"), choices=[])
    condition = forms.CharField(label=_("Condition"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("What makes a violation of this kind minor."))
    look_back_months = forms.IntegerField(label=_("Look-back (months)"), min_value=1, max_value=120)
    correction_days = forms.IntegerField(label=_("Days to correct"), min_value=1, max_value=365)
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_until = forms.DateField(label=_("Effective until"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label=_("Source"), max_length=300,
                             help_text=_("The city's decision that adopts the entry."))

    def __init__(self, *args, violations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zh = (get_language() or "zh-hans").startswith("zh")
        self.fields["violation_code"].choices = [(v.code, f"{v.code} {v.name_zh if zh else v.name_en}")
                                                 for v in violations]
