"""Forms of the category settings screen. They parse input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from sharecity.market.catalog.fields import FIELD_TYPES


def _name_help_text() -> SafeString:
    return format_html("{} <code>max_load_kg</code>", _("lower-case letters, digits and underscores, e.g."))


# Built when shown, in the reader's language; the example is a code, shown as one.
_name_help = lazy(_name_help_text, SafeString)

TYPE_LABELS = {
    "int": _("Whole number"), "decimal": _("Decimal number"), "text": _("Text"), "choice": _("One choice"),
    "multichoice": _("Several choices"), "bool": _("Yes / no"), "date": _("Date"),
}
PROCESS_LABELS = {
    "instant_booking": _("Instant booking"), "request_to_book": _("Request to book"),
    "purchase_delivery": _("Purchase with delivery"), "task_bidding": _("Task with bids"),
    "rental_deposit": _("Rental with deposit"),
}


class FieldForm(forms.Form):
    name = forms.SlugField(label=_("Field name"), max_length=40,
                           help_text=_name_help())
    label_zh = forms.CharField(label=_("Label (Chinese)"), max_length=40)
    label_en = forms.CharField(label=_("Label (English)"), max_length=60, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=[(t, TYPE_LABELS[t]) for t in FIELD_TYPES])
    unit = forms.CharField(label=_("Unit"), max_length=12, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("for choice fields: one per line or separated by commas"))
    min = forms.DecimalField(label=_("Lowest value"), required=False)
    max = forms.DecimalField(label=_("Highest value"), required=False)
    max_length = forms.IntegerField(label=_("Longest text"), required=False, min_value=1, max_value=2000)

    def definition(self) -> dict:
        data = dict(self.cleaned_data)
        for bound in ("min", "max"):
            if data.get(bound) is None:
                data.pop(bound, None)
        if data.get("max_length") is None:
            data.pop("max_length", None)
        return data


class ProcessForm(forms.Form):
    process = forms.ChoiceField(label=_("Transaction process"), required=False,
                                choices=[("", _("The category's default")), *PROCESS_LABELS.items()])
