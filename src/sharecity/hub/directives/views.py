"""Regulators' pages for directives: the list with deadlines, one directive, and a form per type."""

from __future__ import annotations

import datetime as dt
import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import MultipleChoiceField
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sharecity.hub.directives import selectors, services
from sharecity.hub.directives.forms import FORMS
from sharecity.hub.directives.models import DirectiveStatus, DirectiveType
from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_required
from sharecity.hub.registry.models import RegulatorProfile
from sharecity.hub.registry.selectors import registered_platform_names, regulator_profile_for
from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.kernel.timeutil import CITY_TZ

# Service fields that the forms call by another name.
FIELD_ALIASES = {"measures.0.kind": "measure_kind", "measures.0.detail": "measure_detail"}


def _regulator(request) -> RegulatorProfile:
    """Issuing is for officers: a directive goes out in a department's name."""
    profile = regulator_profile_for(request.user)
    if profile is None:
        raise PermissionDenied(_("Only regulator staff may see and issue directives."))
    return profile


def _jurisdiction(request) -> Jurisdiction:
    """Reading is for officers (their city's or district's directives) and the hub's operators (all)."""
    return jurisdiction_required(request.user, message=_("Only regulator staff may see and issue directives."))


def _row(directive, names: dict[str, str], now) -> dict:
    return {
        "directive": directive,
        "platform_name": names.get(directive.platform_id, directive.platform_id),
        "overdue": directive.is_overdue(now),
    }


@login_required
@require_GET
def directive_list(request):
    jurisdiction = _jurisdiction(request)
    profile = regulator_profile_for(request.user)
    names = registered_platform_names()
    platforms = jurisdiction.platform_names()
    platform_id = request.GET.get("platform") or None
    if platform_id not in platforms:
        platform_id = None
    status = request.GET.get("status") or None
    if status not in (None, *DirectiveStatus.values):
        status = None
    now = timezone.now()
    directives = selectors.directives_list(platform_id=platform_id, status=status, jurisdiction=jurisdiction)[:300]
    return render(request, "hub_directives/list.html", {
        "profile": profile,
        "rows": [_row(directive, names, now) for directive in directives],
        "counts": selectors.directive_counts(platform_id=platform_id, jurisdiction=jurisdiction),
        # Operators read; only officers issue (in a department's name).
        # (a complaint.referred goes down from the third-party complaint platform, not from this form)
        "types": [(v, label) for v, label in DirectiveType.choices if v in FORMS] if profile is not None else [],
        "platforms": sorted(platforms.items(), key=lambda item: item[1]),
        "statuses": DirectiveStatus.choices,
        "selected_platform": platform_id or "",
        "selected_status": status or "",
    })


@login_required
@require_GET
def directive_detail(request, message_id):
    jurisdiction = _jurisdiction(request)
    try:
        directive = selectors.directive_get(message_id=message_id, jurisdiction=jurisdiction)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    names = registered_platform_names()
    return render(request, "hub_directives/detail.html", {
        **_row(directive, names, timezone.now()),
        "payload": [(key, payload_shown(value)) for key, value in sorted(directive.payload.items())],
        "acknowledgement": sorted(directive.acknowledgement.items()),
    })


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def payload_shown(value):
    """A value of a directive's payload as an officer reads it: times in city time in the page's format, nothing as
    a dash, yes or no, and codes and structures as code (what the platform's system receives)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            return date_format(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(CITY_TZ),
                               "DATETIME_FORMAT")
        except ValueError:
            pass
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            pass
    if isinstance(value, list | dict):
        return format_html("<code>{}</code>", json.dumps(value, ensure_ascii=False))
    if isinstance(value, str) and value.isascii() and " " not in value:
        return format_html("<code>{}</code>", value)
    return value


@login_required
@require_http_methods(["GET", "POST"])
def directive_new(request, directive_type: str):
    profile = _regulator(request)
    form_class = FORMS.get(directive_type)
    if form_class is None:
        raise Http404(_("No such type of directive."))
    # Only the platforms active or registered in the officer's jurisdiction can be chosen.
    jurisdiction = jurisdiction_required(request.user)
    names = jurisdiction.platform_names()
    now = timezone.now()
    proposed = services.directive_deadline_default(directive_type, issued_at=now).astimezone(CITY_TZ)
    initial = {"deadline": proposed.replace(second=0, microsecond=0), "platform_id": request.GET.get("platform", "")}
    # A page that links here may prefill the form from what it shows (a listing for a recall, a
    # complaint for a request for assistance): any field of the form by its name. It only proposes;
    # the officer reads, edits and submits, and the form and directive_issue check it as usual.
    for name, field in form_class.base_fields.items():
        if name in request.GET and name not in ("platform_id", "deadline"):
            values = [value[:4000] for value in request.GET.getlist(name)]
            initial[name] = values if isinstance(field, MultipleChoiceField) else values[-1]
    form = form_class(request.POST or None, jurisdiction=jurisdiction, initial=initial)
    if "districts" in form.fields:  # an emergency order covers districts of the officer's own jurisdiction
        covered = set(jurisdiction.district_codes())
        form.fields["districts"].choices = [c for c in form.fields["districts"].choices if c[0] in covered]
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                directive = services.directive_issue(
                    actor=request.user, platform_id=form.cleaned_data["platform_id"], directive_type=directive_type,
                    deadline=form.cleaned_data.get("deadline"), **form.directive_fields(),
                )
            except ShareCityError as error:
                field = FIELD_ALIASES.get(error.field or "", error.field)
                form.add_error(field if field in form.fields else None, str(error.message))
                status = error.http_status
            else:
                messages.success(request, _("The directive is on its way to %(platform)s. Deadline: %(deadline)s.") % {
                    "platform": names.get(directive.platform_id, directive.platform_id),
                    "deadline": f"{directive.deadline.astimezone(CITY_TZ):%Y-%m-%d %H:%M}",
                })
                return redirect("hub_directives:detail", message_id=directive.message_id)
    return render(request, "hub_directives/new.html", {
        "profile": profile,
        "form": form,
        "directive_type": directive_type,
        "type_label": DirectiveType(directive_type).label,
        "proposed_deadline": proposed,
        "proposed_workdays": services.DEADLINE_WORKDAYS.get(directive_type),
        "proposed_hours": services.EMERGENCY_HOURS if directive_type == "emergency.order" else None,
        "no_platforms": not names,
    }, status=status)
