from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.hub.complaints.models import Category, DesiredOutcome, Outcome


class FileForm(forms.Form):
    """The public filing form; evidence files come as ``evidence`` (several) and are checked by the service."""

    platform_id = forms.ChoiceField(label=_("Platform complained about"))
    district_code = forms.ChoiceField(label=_("District where it happened"))
    category = forms.ChoiceField(label=_("What kind of problem"), choices=Category.choices)
    description = forms.CharField(label=_("What happened"), max_length=2000, min_length=10,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    desired_outcome = forms.ChoiceField(label=_("What you want"), choices=DesiredOutcome.choices)
    contact = forms.CharField(label=_("Telephone or e-mail"), max_length=80,
                              help_text=_("Only the association's staff see it, to mediate."))

    def __init__(self, *args, platforms: list[tuple[str, str]], districts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform_id"].choices = [("", "—"), *platforms]
        self.fields["district_code"].choices = [("", "—"), *districts]


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=16)
    secret = forms.CharField(label=_("Secret"), max_length=64, widget=forms.PasswordInput(render_value=False))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusal"), max_length=2000, min_length=5,
                             widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OdrForm(forms.Form):
    platform_id = forms.ChoiceField(label=_("Platform"))
    committed = forms.BooleanField(label=_("Commits to online dispute resolution"), required=False)

    def __init__(self, *args, platforms: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform_id"].choices = platforms
