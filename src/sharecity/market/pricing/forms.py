"""The provider's promotion form: prices in yuan, times in city time."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.money import parse_yuan
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.pricing.models import ComparisonBasis

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _when(label) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, input_formats=DATETIME_FORMATS, widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


def _city(moment: dt.datetime) -> dt.datetime:
    """Form times are city time, whatever the server's zone."""
    return moment.replace(tzinfo=CITY_TZ) if moment.tzinfo is None else moment.astimezone(CITY_TZ)


class PromotionForm(forms.Form):
    original_price = forms.CharField(
        label=_("Original price (¥)"), widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Shown struck through. It must be a price actually paid: at most the lowest price transacted "
                    "in the 7 days before the promotion starts (SAMR Order 56 Art. 16)."))
    # SAMR Order 56 Art. 16: no stated basis (para. 2) or the manufacturer's suggested retail price (para. 3).
    comparison_basis = forms.ChoiceField(label=_("What the original price is"), choices=ComparisonBasis.choices,
                                         initial=ComparisonBasis.TRANSACTED, widget=forms.RadioSelect,
                                         required=False)
    basis_source = forms.CharField(
        label=_("Manufacturer"), required=False, max_length=80,
        help_text=_("Only for a manufacturer's suggested retail price: shown with it on the listing."))
    price = forms.CharField(label=_("Promotional price (¥)"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"))

    def _fen(self, name: str) -> int | None:
        try:
            return parse_yuan(self.cleaned_data.get(name, ""), field=name)
        except InvalidInput:
            self.add_error(name, _("Enter an amount in yuan, e.g. 120 or 99.50."))
            return None

    def clean(self):
        data = super().clean()
        data["original_price_fen"] = self._fen("original_price") if "original_price" in data else None
        data["price_fen"] = self._fen("price") if "price" in data else None
        data["comparison_basis"] = data.get("comparison_basis") or ComparisonBasis.TRANSACTED
        for name in ("starts_at", "ends_at"):
            if data.get(name) is not None:
                data[name] = _city(data[name])
        return data
