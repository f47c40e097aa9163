"""The instrument owner's qualifications page: what each instrument's rules require, and users' training records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.platforms.web import platform_or_404
from sharecity.market.qualifications import selectors, services
from sharecity.market.qualifications.forms import QualificationForm, RequirementForm


def _code_choices(rows: list[dict]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(choice for row in rows for choice in row["choices"]))


def _page(request, platform, *, form: QualificationForm | None = None, status: int = 200):
    rows = selectors.owner_listings(platform=platform, owner=request.user)
    choices = _code_choices(rows)
    for row in rows:
        row["form"] = RequirementForm(initial={"listing": row["listing"].public_id, "codes": row["required"]},
                                      choices=row["choices"])
    today = timezone.now().astimezone(CITY_TZ).date()
    labels = dict(choices)
    records = [{"q": q, "label": labels.get(q.code, q.code), "valid": q.trained_on <= today <= q.expires_on}
               for q in selectors.qualifications_recorded_by(platform=platform, owner=request.user)[:200]]
    return render(request, "qualifications/owner.html", {
        "platform": platform, "rows": rows, "records": records,
        "form": form or QualificationForm(choices=choices), "can_record": bool(choices),
    }, status=status)


@login_required
def owner_page(request, slug: str):
    platform = platform_or_404(slug)
    if request.method != "POST":
        return _page(request, platform)
    if request.POST.get("action") == "requirements":
        return _requirements_post(request, platform)
    rows = selectors.owner_listings(platform=platform, owner=request.user)
    form = QualificationForm(request.POST, choices=_code_choices(rows))
    if not form.is_valid():
        return _page(request, platform, form=form, status=400)
    data = form.cleaned_data
    holder = selectors.member_find(platform=platform, text=data["holder"])
    if holder is None:
        form.add_error("holder", _("No one on this platform has this mobile phone or user name."))
        return _page(request, platform, form=form, status=404)
    try:
        services.qualification_record(actor=request.user, platform=platform, holder=holder, code=data["code"],
                                      trained_on=data["trained_on"], expires_on=data["expires_on"],
                                      record_no=data.get("record_no") or "")
    except ShareCityError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return _page(request, platform, form=form, status=error.http_status)
    messages.success(request, _("The qualification is recorded."))
    return redirect("qualifications:owner", slug=platform.slug)


def _requirements_post(request, platform):
    from sharecity.market.listings.selectors import listing_get

    rows = {str(row["listing"].public_id): row for row in selectors.owner_listings(platform=platform,
                                                                                    owner=request.user)}
    row = rows.get(request.POST.get("listing", ""))
    if row is None:
        messages.error(request, _("Choose one of your instruments."))
        return redirect("qualifications:owner", slug=platform.slug)
    form = RequirementForm(request.POST, choices=row["choices"])
    if not form.is_valid():
        return _page(request, platform, status=400)
    try:
        services.requirements_set(actor=request.user, listing=listing_get(platform=platform,
                                                                          public_id=form.cleaned_data["listing"]),
                                  codes=list(form.cleaned_data["codes"]))
    except ShareCityError as error:
        messages.error(request, str(error.message))
        return redirect("qualifications:owner", slug=platform.slug)
    messages.success(request, _("The instrument's rules are saved."))
    return redirect("qualifications:owner", slug=platform.slug)
