"""Evaluation pages: targets with progress, designations, the indicator scheme, evaluation runs with
their ranking, allocation, negative lists and explanation, Excel exports and the quarterly PDF report.
Every officer of a city reads them; only city-level officers write (a district bureau's POST is 403)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.hub.evaluation import method, policy, selectors, services
from sharecity.hub.evaluation.forms import DesignationForm, RunForm, SchemeForm, TargetForm, WithdrawForm
from sharecity.hub.evaluation.models import DesignationKind
from sharecity.hub.registry.jurisdiction import jurisdiction_required
from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.kernel.money import format_yuan, parse_yuan
from sharecity.web.exports import PDF_FONT_FAMILY, Sheet, pdf_from_html, pdf_response, xlsx_response


def _language() -> str:
    return get_language() or "zh-hans"


def _scope(request):
    jurisdiction = jurisdiction_required(request.user)
    city = selectors.city_of(jurisdiction, (request.GET.get("city") or "")[:6])
    return jurisdiction, city


def _may_write(jurisdiction) -> bool:
    return jurisdiction.is_city_level


def _run(request, run_id: int):
    jurisdiction = jurisdiction_required(request.user)
    try:
        return jurisdiction, selectors.run_get(jurisdiction=jurisdiction, run_id=run_id)
    except NotFound:
        raise Http404(_("No such evaluation run.")) from None


def _error(form, error: ShareCityError) -> None:
    field = error.field.split(".")[0] if error.field else None
    # A nested field (indicators.2.weight) is named in the message, on the form field it belongs to.
    nested = bool(error.field) and error.field != field
    form.add_error(field if field in form.fields else None,
                   f"{error.field}: {error.message}" if nested or field not in form.fields else str(error.message))


@login_required
@require_GET
def index(request):
    jurisdiction, city = _scope(request)
    language = _language()
    return render(request, "hub_evaluation/index.html", {
        **selectors.targets_panel(jurisdiction=jurisdiction, language=language, city_code=city),
        "runs": [{"run": run, "fund": format_yuan(run.fund_fen)}
                 for run in selectors.runs(jurisdiction=jurisdiction).filter(city_code=city)[:50]],
        "scheme": selectors.scheme_in_force(city_code=city), "may_write": _may_write(jurisdiction),
        "jurisdiction_label": jurisdiction.label(language=language),
    })


def _target_rows(city: str, language: str) -> list[list]:
    return [[t["name"], t["current"], t["target"], t["target_year"], round(100 * t["share"], 1), t["status"],
             t["source"]] for t in selectors.target_progress(city_code=city, language=language)]


@login_required
@require_GET
def targets_export(request):
    _jurisdiction, city = _scope(request)
    headers = [_("Target"), _("Current"), _("Goal"), _("Target year"), _("Progress (%)"), _("Status"), _("Source")]
    return xlsx_response(filename=f"targets-{city}.xlsx",
                         sheets=[Sheet(_("Targets"), headers, _target_rows(city, _language()))])


@login_required
@require_http_methods(["GET", "POST"])
def target_new(request):
    jurisdiction, _city = _scope(request)
    form = TargetForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not _may_write(jurisdiction):
            raise PermissionDenied(_("Only city-level officers may enter targets."))
        if form.is_valid():
            try:
                services.target_add(actor=request.user, **form.cleaned_data)
            except ShareCityError as error:
                _error(form, error)
            else:
                messages.success(request, _("Target saved."))
                return redirect("hub_evaluation:index")
        status = 400
    return render(request, "hub_evaluation/target_new.html", {"form": form, "may_write": _may_write(jurisdiction)},
                  status=status)


def _designation_rows(city: str) -> list[dict]:
    names = selectors.registered_platform_names()
    kinds = dict(DesignationKind.choices)
    return [{"d": d, "platform_name": names.get(d.platform_id, d.platform_id), "kind": kinds.get(d.kind, d.kind)}
            for d in selectors.designations(city_code=city)]


def _designations_page(request, jurisdiction, city: str, *, form=None, withdraw: tuple[int, WithdrawForm] | None = None,
                       status: int = 200):
    platforms = [(p.platform_id, p.name) for p in selectors.platforms_of_city(city_code=city)]
    rows = _designation_rows(city)
    for row in rows:
        # Each standing designation has its own withdrawal form; the one just sent keeps its input and errors.
        row["withdraw_form"] = (withdraw[1] if withdraw and withdraw[0] == row["d"].pk
                                else WithdrawForm(initial={"withdrawn_on": selectors.today()},
                                                  auto_id=f"id_w{row['d'].pk}_%s"))
    return render(request, "hub_evaluation/designations.html", {
        "rows": rows, "form": form or DesignationForm(platforms=platforms), "may_write": _may_write(jurisdiction)},
        status=status)


@login_required
@require_http_methods(["GET", "POST"])
def designation_list(request):
    jurisdiction, city = _scope(request)
    platforms = [(p.platform_id, p.name) for p in selectors.platforms_of_city(city_code=city)]
    form = DesignationForm(request.POST or None, platforms=platforms)
    status = 200
    if request.method == "POST":
        if not _may_write(jurisdiction):
            raise PermissionDenied(_("Only city-level officers may record designations."))
        if form.is_valid():
            try:
                services.designation_add(actor=request.user, **form.cleaned_data)
            except ShareCityError as error:
                _error(form, error)
            else:
                messages.success(request, _("Designation recorded."))
                return redirect("hub_evaluation:designations")
        status = 400
    return _designations_page(request, jurisdiction, city, form=form, status=status)


@login_required
@require_POST
def designation_withdraw(request, designation_id: int):
    """Withdraw one designation of the officer's city (city-level officers). Another city's is 404."""
    jurisdiction, city = _scope(request)
    if not _may_write(jurisdiction):
        raise PermissionDenied(_("Only city-level officers may withdraw designations."))
    form = WithdrawForm(request.POST, auto_id=f"id_w{designation_id}_%s")
    if form.is_valid():
        try:
            services.designation_withdraw(actor=request.user, designation_id=designation_id, **form.cleaned_data)
        except NotFound:
            raise Http404(_("The city has no designation with this id.")) from None
        except ShareCityError as error:
            _error(form, error)
            status = error.http_status
        else:
            messages.success(request, _("Designation withdrawn."))
            return redirect("hub_evaluation:designations")
    else:
        status = 400
    if not selectors.designations(city_code=jurisdiction.city_code).filter(pk=designation_id).exists():
        raise Http404(_("The city has no designation with this id."))
    return _designations_page(request, jurisdiction, city, withdraw=(designation_id, form), status=status)


@login_required
@require_GET
def designations_export(request):
    _jurisdiction, city = _scope(request)
    rows = [[r["platform_name"], r["kind"], r["d"].decision_reference, r["d"].recognised_on, r["d"].evidence,
             r["d"].withdrawn_on, r["d"].withdrawal_reference] for r in _designation_rows(city)]
    return xlsx_response(filename=f"designations-{city}.xlsx", sheets=[Sheet(
        _("Designations"), [_("Platform"), _("Recognised as"), _("Decision reference"), _("Recognised on"),
                            _("Evidence"), _("Withdrawn on"), _("Withdrawal decision")], rows)])


@login_required
@require_http_methods(["GET", "POST"])
def scheme_list(request):
    jurisdiction, city = _scope(request)
    in_force = selectors.scheme_in_force(city_code=city)
    initial = {"indicators": json.dumps(in_force.indicators if in_force else [], ensure_ascii=False, indent=1),
               "negative_threshold": in_force.negative_threshold if in_force else 30,
               "effective_from": selectors.today()}
    form = SchemeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not _may_write(jurisdiction):
            raise PermissionDenied(_("Only city-level officers may change the evaluation scheme."))
        if form.is_valid():
            try:
                indicators = json.loads(form.cleaned_data["indicators"])
            except ValueError:
                form.add_error("indicators", _("Enter the indicators as a JSON list."))
            else:
                try:
                    services.scheme_add(actor=request.user, indicators=indicators,
                                        negative_threshold=form.cleaned_data["negative_threshold"],
                                        effective_from=form.cleaned_data["effective_from"],
                                        note=form.cleaned_data["note"])
                except ShareCityError as error:
                    _error(form, error)
                else:
                    messages.success(request, _("New scheme version saved."))
                    return redirect("hub_evaluation:schemes")
        status = 400
    return render(request, "hub_evaluation/schemes.html", {
        "schemes": list(selectors.schemes(city_code=city)[:50]), "in_force": in_force, "form": form,
        "may_write": _may_write(jurisdiction), "sources": method.SOURCES, "zh": _language().startswith("zh")},
        status=status)


@login_required
@require_GET
def schemes_export(request):
    _jurisdiction, city = _scope(request)
    zh = _language().startswith("zh")
    rows = [[s.effective_from, s.city_code or _("Default scheme"), float(s.negative_threshold),
             ind["label_zh"] if zh else ind["label_en"], ind["source"], ind["weight"], ind["direction"]]
            for s in selectors.schemes(city_code=city)[:50] for ind in s.indicators]
    return xlsx_response(filename=f"evaluation-schemes-{city}.xlsx", sheets=[Sheet(
        _("Indicator scheme"), [_("Effective from"), _("City"), _("Negative-list threshold"), _("Indicator"),
                                _("Figure"), _("Weight"), _("Better when")], rows)])


@login_required
@require_GET
def runs_export(request):
    jurisdiction, city = _scope(request)
    rows = [[run.year, run.quarter, run.version, run.fund_fen, run.fund_fen - run.unallocated_fen, run.created_at]
            for run in selectors.runs(jurisdiction=jurisdiction).filter(city_code=city)[:500]]
    return xlsx_response(filename=f"evaluation-runs-{city}.xlsx", sheets=[Sheet(
        _("Quarterly evaluations"), [_("Year"), _("Quarter"), _("Version"), _("Special fund (yuan)"),
                                     _("Allocation (yuan)"), _("Run at")], rows, money_columns=frozenset({3, 4}))])


@login_required
@require_http_methods(["GET", "POST"])
def run_new(request):
    jurisdiction, city = _scope(request)
    today = selectors.today()
    form = RunForm(request.POST or None, initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1})
    status = 200
    if request.method == "POST":
        if not _may_write(jurisdiction):
            raise PermissionDenied(_("Only city-level officers may run the evaluation."))
        if form.is_valid():
            try:
                fund_fen = parse_yuan(form.cleaned_data["fund"], field="fund")
                run = services.evaluation_run(actor=request.user, year=form.cleaned_data["year"],
                                              quarter=form.cleaned_data["quarter"], fund_fen=fund_fen,
                                              note=form.cleaned_data["note"])
            except ShareCityError as error:
                _error(form, error)
            else:
                return redirect("hub_evaluation:run", run_id=run.pk)
        status = 400
    return render(request, "hub_evaluation/run_new.html", {
        "form": form, "may_write": _may_write(jurisdiction), "scheme": selectors.scheme_in_force(city_code=city)},
        status=status)


def _run_context(run, jurisdiction) -> dict:
    language = _language()
    view = selectors.run_view(run, language=language)
    return {**view, "support_exit_rule": policy.SUPPORT_EXIT_RULE, "quarterly_rule": policy.QUARTERLY_RULE,
            "fund_rule": policy.FUND_RULE, "fund": format_yuan(run.fund_fen),
            "unallocated": format_yuan(run.unallocated_fen), "allocated": format_yuan(view["allocated_fen"]),
            "jurisdiction_label": jurisdiction.label(language=language), "zh": language.startswith("zh"),
            "own_district": jurisdiction.district_code or ""}


@login_required
@require_GET
def run_detail(request, run_id: int):
    jurisdiction, run = _run(request, run_id)
    return render(request, "hub_evaluation/run.html", _run_context(run, jurisdiction))


@login_required
@require_GET
def run_explanation(request, run_id: int):
    jurisdiction, run = _run(request, run_id)
    return render(request, "hub_evaluation/explanation.html", {
        **_run_context(run, jurisdiction), "rows": selectors.explanation(run, language=_language()),
        "method_doc": method.__doc__})


def run_sheets(run, *, language: str) -> list[Sheet]:
    """Every table of a run as worksheets: ranking and allocation, indicators, negative lists."""
    view = selectors.run_view(run, language=language)
    ranking = Sheet(_("Ranking"), [_("Rank"), _("District"), _("Code"), _("Index"), _("Negative list"),
                                   _("Allocation (yuan)")],
                    [[d["rank"], d["name"], d["code"], d["index"], _("yes") if d["negative"] else "",
                      d["allocation_fen"]] for d in view["districts"]], money_columns=frozenset({5}))
    headers = [_("District")]
    for ind in view["indicators"]:
        headers += [f"{ind['label']}", f"{ind['label']} ({_('normalised')})", f"{ind['label']} ({_('contribution')})"]
    indicator_rows = []
    for d in view["districts"]:
        row = [d["name"]]
        for ind in d["indicators"]:
            row += [ind["raw"], ind["normalised"], ind["contribution"]]
        indicator_rows.append(row)
    negative = Sheet(_("Negative list"), [_("Kind"), _("Name"), _("Reason")],
                     [[_("District"), d["name"], _("Index below %(t)s") % {"t": run.negative_threshold}]
                      for d in view["negative_districts"]]
                     + [[_("Enterprise"), e["name"], "; ".join(f"{r['reason']} {r['basis']}" for r in e["reasons"])]
                        for e in run.enterprises])
    return [ranking, Sheet(_("Indicators"), headers, indicator_rows), negative]


@login_required
@require_GET
def run_export(request, run_id: int):
    _jurisdiction, run = _run(request, run_id)
    return xlsx_response(filename=f"evaluation-{run.city_code}-{run.year}Q{run.quarter}-v{run.version}.xlsx",
                         sheets=run_sheets(run, language=_language()))


def bar_chart(districts: list[dict], *, width: int = 480, bar: int = 16) -> dict:
    """A horizontal bar chart of the index, as numbers an SVG template draws (WeasyPrint runs no script)."""
    label_width = 110
    scale = (width - label_width - 50) / 100
    rows = [{"y": i * (bar + 6), "name": d["name"], "index": d["index"], "w": round(d["index"] * scale, 1),
             "negative": d["negative"]} for i, d in enumerate(districts)]
    return {"rows": rows, "width": width, "height": len(rows) * (bar + 6) + 4, "bar": bar, "label_width": label_width,
            "text_y": bar - 4}


@login_required
@require_GET
def run_report(request, run_id: int):
    jurisdiction, run = _run(request, run_id)
    html = run_report_html(run, jurisdiction=jurisdiction, language=_language())
    return pdf_response(filename=f"evaluation-{run.city_code}-{run.year}Q{run.quarter}-v{run.version}.pdf",
                        pdf=pdf_from_html(html))


def run_report_html(run, *, jurisdiction, language: str) -> str:
    context = _run_context(run, jurisdiction)
    context.update(font_family=PDF_FONT_FAMILY, chart=bar_chart(context["districts"]),
                   targets=selectors.target_progress(city_code=run.city_code, language=language))
    return render_to_string("hub_evaluation/report.html", context)
