from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.licences import LICENCE_KINDS, OTHER


def _kind_choices() -> list[tuple[str, str]]:
    return [*((kind.code, f"{kind.name_zh} ({kind.name})") for kind in LICENCE_KINDS), (OTHER, _("Other licence"))]


class LicenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_kind_choices)
    name = forms.CharField(label=_("Title of the licence"), max_length=120, required=False,
                           help_text=_("Required for another licence, as its certificate names it."))
    number = forms.CharField(label=_("Licence number"), max_length=64)
    issued_by = forms.CharField(label=_("Issued by"), max_length=120)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("Leave empty for a licence without a term."))
