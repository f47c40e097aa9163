from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sharecity.market.complaints.forms import EVIDENCE_ACCEPT, MultipleFileInput
from sharecity.market.notices.models import ComplaintKind, RightKind

EVIDENCE_HELP = _("Up to 5 pictures (JPEG, PNG, WebP) or PDF documents, 5 MB each.")


def _evidence(label, *, required: bool = True) -> forms.Field:
    # The files are read from request.FILES and checked by the service (type, size, count).
    return forms.Field(label=label, required=False, widget=MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
                       help_text=EVIDENCE_HELP)


class NoticeForm(forms.Form):
    holder_name = forms.CharField(label=_("Rights holder (person or business)"), max_length=120)
    holder_contact = forms.CharField(label=_("Contact: telephone, e-mail or address"), max_length=200)
    right_kind = forms.ChoiceField(label=_("The right"), choices=RightKind.choices)
    registration_numbers = forms.CharField(
        label=_("Registration or patent numbers"), required=False, max_length=800,
        help_text=_("One per line or separated by commas; required for a trademark or a patent."),
        widget=forms.Textarea(attrs={"rows": 2}))
    claim = forms.CharField(label=_("Which right the listings infringe, and how"), max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 4}))
    listing_ids = forms.CharField(
        label=_("Listings concerned"), max_length=2000,
        help_text=_("The listings' ids or links on this platform, one per line."),
        widget=forms.Textarea(attrs={"rows": 2}))
    evidence = _evidence(_("Preliminary evidence of infringement"))


class TrackForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=16)
    secret = forms.CharField(label=_("Secret"), max_length=64, widget=forms.PasswordInput(render_value=False))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class WrongForm(forms.Form):
    note = forms.CharField(label=_("How the notice proved wrong, and the damage"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    malicious = forms.BooleanField(label=_("Malicious"), required=False)


class ComplaintReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What you did"), choices=ComplaintKind.choices)
    detail = forms.CharField(label=_("Authority or court, and the case number"), max_length=300)
    evidence = _evidence(_("Proof of the complaint or lawsuit"))


class CounterForm(forms.Form):
    text = forms.CharField(label=_("Why the listings do not infringe"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    evidence = _evidence(_("Preliminary evidence of non-infringement"))
