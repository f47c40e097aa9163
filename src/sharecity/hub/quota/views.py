"""The hub's quota console (/hub/quota/) and the public quota table (/quota/): thin, over services and selectors."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sharecity.hub.quota import selectors, services
from sharecity.hub.quota.forms import QuarterForm, RunForm, WeightsForm
from sharecity.hub.registry.jurisdiction import jurisdiction_required
from sharecity.kernel.districts import CITIES
from sharecity.kernel.errors import ShareCityError


def _scope(request):
    jurisdiction = jurisdiction_required(request.user)
    requested = request.GET.get("city") or request.POST.get("city") or ""
    return jurisdiction, selectors.city_of(jurisdiction, requested[:6])


def _index(request, *, weights_form=None, quarter_form=None, run_form=None, status=200):
    jurisdiction, city = _scope(request)
    today = services.today()
    current = selectors.weights_at(city_code=city, day=today)
    initial = {name: getattr(current, name) for name in (*services.WEIGHT_FIELDS, *services.SCALE_FIELDS)} \
        if current else {}
    quarter = {"year": today.year, "quarter": (today.month - 1) // 3 + 1}
    zh = (get_language() or "zh-hans").startswith("zh")
    return render(request, "hub_quota/index.html", {
        "city": city, "city_name": (CITIES[city].name_zh if zh else CITIES[city].name_en) if city in CITIES else city,
        "cities": CITIES if jurisdiction.is_operator else {},
        "jurisdiction_label": jurisdiction.label(language=get_language() or "zh-hans"),
        "may_write": jurisdiction.district_code is None,
        "weights": selectors.weights_list(city_code=city)[:10], "current_weights": current,
        "weights_form": weights_form or WeightsForm(initial={**initial, "effective_from": today}),
        "quarter_form": quarter_form or QuarterForm(initial=quarter),
        "run_form": run_form or RunForm(initial=quarter),
        "evaluations": selectors.evaluations_list(jurisdiction=jurisdiction, city_code=city)[:40],
        "runs": selectors.runs_list(jurisdiction=jurisdiction, city_code=city)[:20],
        "fleet": selectors.fleet_vs_quota(jurisdiction=jurisdiction, city_code=city, on=today),
        "zones": selectors.zones_of(city_code=city),
    }, status=status)


def _fail(form, error: ShareCityError) -> None:
    field = (error.field or "").split(".")[0] or None
    form.add_error(field if field in form.fields else None, str(error.message))


@login_required
@require_GET
def index(request):
    return _index(request)


def _submitted(request, form, form_name: str, act, *, done: str = ""):
    """A console form: ``act(city, jurisdiction, cleaned_data)`` does the write and returns where to go (or None:
    back to the console with ``done`` said); a refusal shows the console again with the form's error."""
    jurisdiction, city = _scope(request)
    if not form.is_valid():
        return _index(request, status=400, **{form_name: form})
    try:
        target = act(city, jurisdiction, form.cleaned_data)
    except ShareCityError as error:
        _fail(form, error)
        return _index(request, status=error.http_status, **{form_name: form})
    if target is not None:
        return target
    messages.success(request, done)
    return redirect(f"{reverse('hub_quota:index')}?city={city}")


@login_required
@require_POST
def weights_add(request):
    def act(city, jurisdiction, data):
        services.weights_set(actor=request.user, jurisdiction=jurisdiction, city_code=city,
                             effective_from=data["effective_from"], source=data["source"],
                             values={k: data[k] for k in (*services.WEIGHT_FIELDS, *services.SCALE_FIELDS)})

    return _submitted(request, WeightsForm(request.POST), "weights_form", act,
                      done=_("The new weights are saved."))


@login_required
@require_POST
def evaluation_compute(request):
    def act(city, jurisdiction, data):
        services.evaluation_compute(actor=request.user, jurisdiction=jurisdiction, city_code=city,
                                    year=data["year"], quarter=data["quarter"])

    return _submitted(request, QuarterForm(request.POST), "quarter_form", act,
                      done=_("The quarter's evaluation is computed."))


@login_required
@require_POST
def run_create(request):
    form = RunForm(request.POST)

    def act(city, jurisdiction, data):
        run = services.allocation_run(actor=request.user, jurisdiction=jurisdiction, city_code=city,
                                      year=data["year"], quarter=data["quarter"], method=data["method"],
                                      options=form.options(), effective_from=data.get("effective_from"))
        return redirect("hub_quota:run", run_id=run.pk)

    return _submitted(request, form, "run_form", act)


def _run(request, run_id: int):
    jurisdiction = jurisdiction_required(request.user)
    run = selectors.run_get(jurisdiction=jurisdiction, run_id=run_id)
    if run is None:
        raise Http404(_("No such allocation."))
    return jurisdiction, run


_NOTES = (
    (re.compile(r"^below_pass_mark$"), lambda m: _("Below the pass mark")),
    (re.compile(r"^beyond_ranked_shares$"), lambda m: _("Passed, beyond the ranks with a share")),
    (re.compile(r"^new_entrant_reserve$"), lambda m: _("New entrants' reserve")),
    (re.compile(r"^rank (\d+)$"), lambda m: _("Rank %(rank)s") % {"rank": m[1]}),
    (re.compile(r"^ranks (\d+)-(\d+)$"), lambda m: _("Ranks %(first)s to %(last)s") % {"first": m[1], "last": m[2]}),
    (re.compile(r"^suspended after (\d+) failures in a row$"),
     lambda m: _("Suspended after %(count)s failures in a row") % {"count": m[1]}),
    (re.compile(r"^failure (\d+) in a row: cut (\d+)%$"),
     lambda m: _("Failure %(count)s in a row: quota cut by %(percent)s%%") % {"count": m[1], "percent": m[2]}),
    (re.compile(r"^receives (\d+) freed$"), lambda m: _("Receives %(vehicles)s freed vehicles") % {"vehicles": m[1]}),
)


def note_label(note: str) -> str:
    """The allocation rule's note on a platform (plain data from ``rules``) in the reader's language."""
    for pattern, label in _NOTES:
        found = pattern.match(note)
        if found:
            return label(found)
    return note


@login_required
@require_GET
def run_detail(request, run_id: int):
    jurisdiction, run = _run(request, run_id)
    zones = selectors.zones_of(city_code=run.city_code)
    rows = [{"platform": platform, "zones": [allocation.get(zone.code, 0) for zone in zones],
             "total": allocation["total"], "note": note_label(run.result.get("notes", {}).get(platform, ""))}
            for platform, allocation in run.result["allocations"].items()]
    return render(request, "hub_quota/run.html", {
        "run": run, "zones": zones, "rows": rows, "may_write": jurisdiction.district_code is None,
        "names": jurisdiction.platform_names()})


@login_required
@require_POST
def run_publish(request, run_id: int):
    jurisdiction, run = _run(request, run_id)
    try:
        services.allocation_publish(actor=request.user, jurisdiction=jurisdiction, run_id=run.pk)
    except ShareCityError as error:
        messages.error(request, str(error.message))
        return redirect("hub_quota:run", run_id=run.pk)
    messages.success(request, _("The quotas are on their way to the platforms."))
    return redirect("hub_quota:run", run_id=run.pk)


@require_GET
def public_table(request):
    """No login: the quota in force in each city, by platform and zone."""
    zh = (get_language() or "zh-hans").startswith("zh")
    today = services.today()
    tables = []
    for code, city in CITIES.items():
        table = selectors.public_table(city_code=code, on=today)
        table["name"] = city.name_zh if zh else city.name_en
        table["zone_names"] = [zone.name_zh if zh else zone.name_en for zone in table["zones"]]
        tables.append(table)
    return render(request, "hub_quota/public.html", {"tables": tables})
