from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Keep the conversation on the platform: phone numbers, WeChat or QQ "
                                       "and e-mail addresses are flagged to the operator."))
