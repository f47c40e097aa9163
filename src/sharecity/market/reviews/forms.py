from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.market.reviews.models import HiddenReason


class OrderReviewForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Rating"), coerce=int, initial=5,
                                    choices=[(n, "★" * n) for n in range(5, 0, -1)])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class HideForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=HiddenReason.choices)
    note = forms.CharField(label=_("Facts behind the decision"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Shown to the author and reported to the city; no personal data."))


class FlagCloseForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
