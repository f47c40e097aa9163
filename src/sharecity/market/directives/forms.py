from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(label=_("What the platform did"), max_length=4000, widget=forms.Textarea,
                                   help_text=_("The measures taken or planned, and the information provided."))
    completed = forms.BooleanField(label=_("Everything asked is done"), required=False,
                                   help_text=_("Leave unticked to acknowledge now and report completion later."))
