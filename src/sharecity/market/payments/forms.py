"""Forms of the payments pages: they parse yuan and percentages; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.money import parse_yuan
from sharecity.market.payments.models import CommissionRule

# The services name these fields; the forms show the message beside the field the operator typed.
SERVICE_FIELDS = {"category_code": "category_code", "percent_bp": "percent", "fixed_fen": "fixed",
                  "minimum_fen": "minimum", "cap_fen": "cap", "tax_withholding": "rate"}


def add_service_error(form: forms.Form, error: ShareCityError) -> None:
    field = SERVICE_FIELDS.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, str(error.message))


def _yuan(form: forms.Form, name: str, *, required: bool = True) -> int | None:
    raw = form.cleaned_data.get(name)
    if raw in (None, ""):
        if required:
            return 0
        return None
    try:
        return parse_yuan(raw, field=name)
    except ShareCityError as error:
        form.add_error(name, str(error.message))
        return None


def percent_to_bp(value: Decimal) -> int:
    return int(value * 100)


class CommissionRuleForm(forms.Form):
    category_code = forms.CharField(
        label=_("Category code"), max_length=60, required=False,
        help_text=_("Leave blank for every category without a rule of its own."))
    percent = forms.DecimalField(label=_("Percentage (%)"), max_digits=5, decimal_places=2, min_value=0,
                                 max_value=100, initial=0,
                                 error_messages={"max_value": _("Enter a percentage between 0 and 100."),
                                                 "min_value": _("Enter a percentage between 0 and 100."),
                                                 "max_decimal_places": _("At most two decimals, such as 5.25.")})
    fixed = forms.CharField(label=_("Fixed fee (¥)"), required=False, initial="0.00")
    minimum = forms.CharField(label=_("Minimum (¥)"), required=False, initial="0.00")
    cap = forms.CharField(label=_("Cap (¥)"), required=False, help_text=_("Leave blank for no cap."))

    def clean(self):
        cleaned = super().clean()
        for name in ("fixed", "minimum"):
            cleaned[f"{name}_fen"] = _yuan(self, name)
        cleaned["cap_fen"] = _yuan(self, "cap", required=False)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"category_code": data.get("category_code", ""), "percent_bp": percent_to_bp(data["percent"]),
                "fixed_fen": data["fixed_fen"], "minimum_fen": data["minimum_fen"], "cap_fen": data["cap_fen"]}

    @classmethod
    def for_rule(cls, rule: CommissionRule, **kwargs) -> CommissionRuleForm:
        def yuan(fen):
            return "" if fen is None else f"{fen / 100:.2f}"

        return cls(initial={"category_code": rule.category_code, "percent": Decimal(rule.percent_bp) / 100,
                            "fixed": yuan(rule.fixed_fen), "minimum": yuan(rule.minimum_fen),
                            "cap": yuan(rule.cap_fen)}, **kwargs)


class TaxRateForm(forms.Form):
    rate = forms.DecimalField(label=_("Tax withheld from providers' income (%)"), max_digits=5, decimal_places=2,
                              min_value=0, max_value=100,
                              error_messages={"max_value": _("Enter a percentage between 0 and 100."),
                                              "min_value": _("Enter a percentage between 0 and 100.")})
