"""Forms of the payments pages: they parse yuan and percentages; the services decide."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.errors import ShareCityError
from sharecity.market.payments.models import CommissionRule

# The services name these fields; the forms show the message beside the field the operator typed.
SERVICE_FIELDS = {"category_code": "category_code", "percent_bp": "percent", "fixed_fen": "fixed",
                  "minimum_fen": "minimum", "cap_fen": "cap"}


def add_service_error(form: forms.Form, error: ShareCityError) -> None:
    field = SERVICE_FIELDS.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, str(error.message))


# No amount a person types on these pages comes near it; a larger one is a slip of the keyboard.
MAX_YUAN = Decimal("10000000")
_YUAN = re.compile(r"\s*([-−])?\s*[¥￥]?\s*([0-9]{1,12})(?:\.([0-9]+))?\s*")


class YuanField(forms.CharField):
    """An amount typed in yuan with at most two decimals (``12.50``, ``¥1,234.50``), cleaned to whole fen.

    Blank gives ``empty_fen`` (0 unless given). A third decimal, a negative amount, one above
    ``MAX_YUAN`` and anything not a number are refused with a message that names the field."""

    def __init__(self, *, empty_fen: int | None = 0, **kwargs) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.empty_fen = empty_fen

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return self.empty_fen
        name = re.split(r"\s*[(（]", str(self.label or ""))[0]
        match = _YUAN.fullmatch(value.replace(",", "").replace("，", ""))
        if match is None:
            raise forms.ValidationError(_("%(field)s: enter an amount in yuan, such as 12.50.") % {"field": name})
        sign, whole, decimals = match.groups()
        if sign:
            raise forms.ValidationError(_("%(field)s cannot be negative.") % {"field": name})
        if len(decimals or "") > 2:
            raise forms.ValidationError(_("%(field)s: at most two decimals (fen), such as 12.50.")
                                        % {"field": name})
        amount = Decimal(f"{whole}.{decimals or '0'}")
        if amount > MAX_YUAN:
            raise forms.ValidationError(_("%(field)s is at most ¥10,000,000.00.") % {"field": name})
        return int(amount * 100)


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
    fixed = YuanField(label=_("Fixed fee (¥)"), initial="0.00")
    minimum = YuanField(label=_("Minimum (¥)"), initial="0.00")
    cap = YuanField(label=_("Cap (¥)"), empty_fen=None, help_text=_("Leave blank for no cap."))

    def clean(self):
        cleaned = super().clean()
        for name in ("fixed", "minimum", "cap"):
            if name in cleaned:
                cleaned[f"{name}_fen"] = cleaned[name]
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


