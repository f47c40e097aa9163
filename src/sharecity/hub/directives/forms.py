"""Forms to issue each type of directive. They shape input; ``directive_issue`` decides."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sharecity.hub.facts.forms import PickerField, PickerFormMixin
from sharecity.kernel.districts import district_choices
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.web.forms import NoPastDateTimeInput


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _lines(text: str) -> list[str]:
    """One item per line (commas also separate), blanks dropped."""
    items = []
    for line in (text or "").replace(",", "\n").replace("，", "\n").splitlines():
        if line.strip():
            items.append(line.strip())
    return items


def _now_local():
    return timezone.now().astimezone(CITY_TZ).replace(second=0, microsecond=0)


SECTOR_CHOICES = [
    ("parking", _("Off-peak parking")),
    ("homestay", _("Homestays and short rentals")),
    ("housekeeping", _("Housekeeping")),
    ("elderly_care", _("Elderly care")),
    ("lab_instruments", _("Lab instruments")),
    ("production_capacity", _("Production capacity")),
    ("skills", _("Skills and crowdsourced tasks")),
    ("second_hand", _("Second-hand goods")),
    # The life-service sectors (market Sector): an emergency order often concerns rides and bikes first.
    ("ride_hailing", _("Ride-hailing")),
    ("bike_sharing", _("Shared bikes")),
    ("beauty", _("Beauty and hairdressing")),
    ("laundry", _("Laundry and dry cleaning")),
    ("repair", _("Repairs")),
    ("community_retail", _("Community retail")),
    ("long_term_rental", _("Long-term rental homes")),
]


class DirectiveForm(PickerFormMixin, forms.Form):
    """What every directive has: the platform, the law relied on and the deadline. Platforms, listings and
    subjects are picked by name among those of the officer's jurisdiction (``PickerField``)."""

    platform_id = PickerField(kind="platforms", label=_("Platform"))
    legal_reference = forms.CharField(
        label=_("Legal basis"), max_length=500,
        help_text=_("The law, regulation and article relied on, e.g. 《电子商务法》第二十九条"),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"), required=False, widget=NoPastDateTimeInput(),
        help_text=_("Leave as proposed or change it; empty means the default for this type."),
    )


    def directive_fields(self) -> dict:
        """The type's own fields, as ``directive_issue`` takes them."""
        data = dict(self.cleaned_data)
        for name in ("platform_id", "deadline"):
            data.pop(name, None)
        return data


class InspectionResultForm(DirectiveForm):
    case_id = forms.CharField(label=_("Case number"), max_length=64)
    inspection_kind = forms.ChoiceField(label=_("Kind of inspection"), choices=[
        ("random_spot_check", _("Random spot check (双随机一公开)")),
        ("targeted", _("Targeted inspection")),
        ("complaint_driven", _("Inspection after complaints")),
    ])
    subject_type = forms.ChoiceField(label=_("What was inspected"), choices=[
        ("platform", _("The platform")), ("listing", _("A listing")), ("subject", _("An operator or provider")),
    ])
    subject_id = PickerField(label=_("The one inspected"), kind_field="subject_type", platform_field="platform_id",
                             kinds={"platform": "platforms", "listing": "listings", "subject": "subjects"})
    result = forms.ChoiceField(label=_("Result"), choices=[("pass", _("Passed")), ("fail", _("Failed"))])
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea,
                               help_text=_("One per line: checklist item, a colon, what was found."))
    inspected_at = forms.DateTimeField(label=_("Inspected at"), widget=_datetime_widget(), initial=_now_local)

    def directive_fields(self) -> dict:
        data = super().directive_fields()
        findings = []
        for line in (data.get("findings") or "").splitlines():
            if not line.strip():
                continue
            code, _sep, description = line.replace("：", ":").partition(":")
            findings.append({"code": code.strip()[:64], "description": (description or code).strip()})
        data["findings"] = findings
        return data


RECALL_MEASURES = [
    ("remove_listings", _("Remove the listings")),
    ("stop_sales", _("Stop sales")),
    ("notify_buyers", _("Notify buyers")),
    ("refund_buyers", _("Refund buyers")),
    ("collect_products", _("Collect the products")),
]


class RecallOrderForm(DirectiveForm):
    recall_id = forms.CharField(label=_("Recall number"), max_length=64)
    product = forms.CharField(label=_("Product, model and batch"), max_length=200)
    listing_ids = PickerField(label=_("Listings concerned"), required=False, kind="listings", multiple=True,
                              platform_field="platform_id")
    product_ids = forms.CharField(label=_("Product identifiers"), required=False,
                                  help_text=_("GTINs or other identifiers, separated by commas."))
    reason = forms.CharField(label=_("Defect and danger"), widget=forms.Textarea)
    measures = forms.MultipleChoiceField(label=_("Measures"), choices=RECALL_MEASURES,
                                         widget=forms.CheckboxSelectMultiple, initial=["remove_listings", "stop_sales"])

    def directive_fields(self) -> dict:
        data = super().directive_fields()
        data["listing_ids"] = list(data.get("listing_ids") or [])
        data["product_ids"] = _lines(data.get("product_ids", ""))
        return data


class CreditListChangedForm(DirectiveForm):
    subject_key = PickerField(label=_("Operator or provider"), kind="subjects", platform_field="platform_id")
    subject_kind = forms.ChoiceField(label=_("Person or business"),
                                     choices=[("person", _("Person")), ("business", _("Business"))])
    credit_list = forms.ChoiceField(label=_("Credit list"), choices=[
        ("red", _("Red list")), ("black", _("Black list")), ("watch", _("Watch list")),
    ])
    action = forms.ChoiceField(label=_("Change"), choices=[("added", _("Put on the list")),
                                                           ("removed", _("Taken off the list"))])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    effective_at = forms.DateTimeField(label=_("Effective from"), widget=_datetime_widget(), initial=_now_local)
    expires_at = forms.DateTimeField(label=_("Expires"), required=False, widget=NoPastDateTimeInput())
    measures = forms.CharField(label=_("Measures the platform is to apply"), required=False, widget=forms.Textarea,
                               help_text=_("One per line."))

    def directive_fields(self) -> dict:
        data = super().directive_fields()
        data["measures"] = _lines(data.get("measures", ""))
        return data


class AssistanceRequestForm(DirectiveForm):
    case_id = forms.CharField(label=_("Case number"), max_length=64)
    request = forms.CharField(label=_("What the platform is to provide"), widget=forms.Textarea)
    subject_keys = PickerField(label=_("Operators and providers concerned"), required=False, kind="subjects",
                               multiple=True, platform_field="platform_id")
    order_ids = forms.CharField(label=_("Order ids"), required=False, widget=forms.Textarea,
                                help_text=_("One per line."))
    listing_ids = PickerField(label=_("Listings concerned"), required=False, kind="listings", multiple=True,
                              platform_field="platform_id")
    confidential = forms.BooleanField(label=_("Confidential: the platform must not tell the subjects"),
                                      required=False, initial=True)

    def directive_fields(self) -> dict:
        data = super().directive_fields()
        data["order_ids"] = _lines(data.get("order_ids", ""))
        for name in ("subject_keys", "listing_ids"):
            data[name] = list(data.get(name) or [])
        return data


EMERGENCY_MEASURES = [
    ("suspend_service", _("Suspend the service")),
    ("limit_capacity", _("Limit capacity")),
    ("freeze_prices", _("Freeze prices")),
    ("publish_notice", _("Publish a notice")),
    ("report_daily", _("Report daily")),
    ("other", _("Other")),
]


class EmergencyOrderForm(DirectiveForm):
    emergency_id = forms.CharField(label=_("Emergency number"), max_length=64)
    level = forms.ChoiceField(label=_("Response level"), choices=[
        ("I", _("Level I (highest)")), ("II", _("Level II")), ("III", _("Level III")), ("IV", _("Level IV")),
    ])
    districts = forms.MultipleChoiceField(label=_("Districts"), choices=[])
    sectors = forms.MultipleChoiceField(label=_("Sectors"), choices=SECTOR_CHOICES, widget=forms.CheckboxSelectMultiple)
    measure_kind = forms.ChoiceField(label=_("Measure"), choices=EMERGENCY_MEASURES)
    measure_detail = forms.CharField(label=_("What exactly is to be done"), widget=forms.Textarea)
    effective_from = forms.DateTimeField(label=_("Effective from"), widget=_datetime_widget(), initial=_now_local)
    effective_until = forms.DateTimeField(label=_("Effective until"), required=False, widget=_datetime_widget(),
                                          help_text=_("Empty: until revoked."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["districts"].choices = district_choices(language=get_language() or "zh-hans")

    def directive_fields(self) -> dict:
        data = super().directive_fields()
        data["measures"] = [{"kind": data.pop("measure_kind"), "detail": data.pop("measure_detail")}]
        return data


FORMS: dict[str, type[DirectiveForm]] = {
    "inspection.result": InspectionResultForm,
    "recall.order": RecallOrderForm,
    "credit_list.changed": CreditListChangedForm,
    "assistance.request": AssistanceRequestForm,
    "emergency.order": EmergencyOrderForm,
}
