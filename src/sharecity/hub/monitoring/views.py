"""The regulator's dashboard. It reads only the hub's read models, never a platform's data."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from sharecity.hub.directives.selectors import directive_counts
from sharecity.hub.evaluation.selectors import targets_panel
from sharecity.hub.intake.selectors import latest_received_at, quarantine_open_count
from sharecity.hub.monitoring import dashboard as panels
from sharecity.hub.monitoring.selectors import (
    PER_10K,
    activity_by_district,
    activity_by_platform,
    activity_totals,
)
from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_required
from sharecity.hub.registry.selectors import registered_platform_names, regulator_profile_for
from sharecity.kernel.districts import district_name
from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.kernel.money import format_yuan
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.web.exports import Sheet, xlsx_response

METRIC_LABELS = {
    "listings": gettext_lazy("Listings"),
    "bookings": gettext_lazy("Bookings"),
    "completed": gettext_lazy("Completed"),
    "turnover_fen": gettext_lazy("Turnover"),
    "reviews": gettext_lazy("Reviews"),
    "complaints": gettext_lazy("Complaints"),
}

# Geometry of the bar chart, in SVG user units.
CHART_WIDTH = 720
LABEL_WIDTH = 110
BAR_AREA = 470
BAR_HEIGHT = 14
ROW_HEIGHT = 46
CHART_TOP = 10

# The unit of money columns; a name of its own, as makemessages does not read calls inside f-strings.
YUAN = gettext_lazy("yuan")


def _language() -> str:
    return get_language() or "zh-hans"


def _chart(rows) -> dict:
    """Two bars per district, bookings and turnover, each scaled to its own largest value."""
    max_bookings = max((row.values["bookings"] or 0 for row in rows), default=0) or 1
    max_turnover = max((row.values["turnover_fen"] or 0 for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        top = CHART_TOP + index * ROW_HEIGHT
        bookings = row.values["bookings"] or 0
        turnover = row.values["turnover_fen"] or 0
        bookings_width = round(BAR_AREA * bookings / max_bookings, 1)
        turnover_width = round(BAR_AREA * turnover / max_turnover, 1)
        bars.append({
            "label": row.label,
            "label_y": top + BAR_HEIGHT + 6,
            "bookings": bookings,
            "bookings_y": top,
            "bookings_width": max(bookings_width, 1 if bookings else 0),
            "bookings_text_x": LABEL_WIDTH + bookings_width + 6,
            "bookings_text_y": top + BAR_HEIGHT - 2,
            "turnover": format_yuan(turnover),
            "turnover_y": top + BAR_HEIGHT + 4,
            "turnover_width": max(turnover_width, 1 if turnover else 0),
            "turnover_text_x": LABEL_WIDTH + turnover_width + 6,
            "turnover_text_y": top + 2 * BAR_HEIGHT + 2,
        })
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_TOP + max(len(rows), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
    }


def _figures(jurisdiction: Jurisdiction, *, profile=None) -> dict:
    """The figures of the officer's jurisdiction: their district, their city's districts, or (an
    operator) every city's."""
    language = _language()
    districts = None if jurisdiction.is_operator else jurisdiction.district_codes()
    platforms = None if jurisdiction.is_operator else sorted(jurisdiction.platform_ids())
    by_district = activity_by_district(language=language, district_codes=districts)
    totals = activity_totals(district_codes=districts)
    if jurisdiction.district_code:
        scope = district_name(jurisdiction.district_code, language=language)
    elif jurisdiction.is_city_level:
        scope = jurisdiction.label(language=language)
    else:
        scope = _("All districts")
    return {
        "profile": profile,
        "jurisdiction": jurisdiction,
        "scope": scope,
        "totals": [{"key": key, "label": METRIC_LABELS[key], "value": totals.get(key, 0)} for key in METRIC_LABELS],
        "metrics": [{"key": key, "label": label} for key, label in METRIC_LABELS.items()],
        "by_district": by_district,
        "by_platform": activity_by_platform(district_codes=districts),
        "chart": _chart(by_district),
        "quarantined": quarantine_open_count(platform_ids=platforms),
        "directives": directive_counts(jurisdiction=jurisdiction),
        "latest_received": latest_received_at(platform_ids=platforms),
        "refreshed_at": timezone.now(),
    }


def _jurisdiction(request) -> Jurisdiction:
    return jurisdiction_required(request.user, message=_("Only regulator staff may open the dashboard."))


@require_GET
def dashboard(request):
    """The live figures (polled) and the statistics of the period the officer chose, with charts,
    the district grid and tables; ``?format=xlsx&table=...`` exports one table."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    jurisdiction = _jurisdiction(request)
    selection, error = _selection(request)
    if request.GET.get("format"):
        return _export(request, jurisdiction=jurisdiction, selection=selection, error=error,
                       scope=_scope(jurisdiction), filename="monitoring")
    context = _figures(jurisdiction, profile=regulator_profile_for(request.user))
    panel = panels.panel(jurisdiction=jurisdiction, selection=selection, language=_language(),
                         scope=_scope(jurisdiction))
    context.update(_statistics_context(request, panel, error=error))
    context.update(targets_panel(jurisdiction=jurisdiction, language=_language()))
    return render(request, "monitoring/dashboard.html", context, status=error.http_status if error else 200)


@require_GET
def figures(request):
    """htmx partial, polled by the dashboard: the figures as they stand now."""
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponseClientRedirect(redirect_to_login(reverse("monitoring:dashboard")).url)
        return redirect_to_login(request.get_full_path())
    jurisdiction = _jurisdiction(request)
    return render(request, "monitoring/_figures.html", _figures(jurisdiction))


# ---- statistics of a chosen period: charts, grid, tables, drill-down, exports ------------------------------------

TABLES = ("trend", "districts", "sectors", "platforms")
TABLE_TITLES = {
    "trend": gettext_lazy("Trend by period"),
    "districts": gettext_lazy("By district"),
    "sectors": gettext_lazy("By sector"),
    "platforms": gettext_lazy("By platform"),
}
TABLE_HEADINGS = {
    "trend": gettext_lazy("Statistical period"),
    "districts": gettext_lazy("District"),
    "sectors": gettext_lazy("Sector"),
    "platforms": gettext_lazy("Platform"),
}
ECHARTS_LOCALES = {"zh": "ZH"}


def _scope(jurisdiction: Jurisdiction) -> str:
    return jurisdiction.label(language=_language())


def _today():
    return timezone.now().astimezone(CITY_TZ).date()


def _selection(request) -> tuple[panels.Selection, ShareCityError | None]:
    """The selection the query asks for, or the default one and the error that refused it."""
    try:
        return panels.selection_parse(request.GET, today=_today()), None
    except ShareCityError as refused:
        return panels.selection_default(today=_today()), refused


def _table_rows(panel: panels.Panel, table: str) -> list[tuple[str, str, dict, str | None]]:
    """(key, label, figures, drill-down link) of each row of one table."""
    if table == "trend":
        return [(period.start.isoformat(), period.label, period.figures, None) for period in panel.trend]
    groups = {"districts": panel.by_district, "sectors": panel.by_sector, "platforms": panel.by_platform}[table]
    return [(group.key, group.label, group.figures, panels.group_url(group, panel.selection)) for group in groups]


def _tables_shown(panel: panels.Panel) -> tuple[str, ...]:
    return panels.PANEL_TABLES[panel.kind]


def _chart_data(panel: panels.Panel, tables: tuple[str, ...]) -> dict:
    """What web/charts.js draws: numbers in yuan and percentages, labels in the page's language."""
    def numbers(rows, name):
        return [panels.figure_number(name, figures.get(name)) for figures in rows]

    trend = [period.figures for period in panel.trend]
    data = {
        "locale": ECHARTS_LOCALES.get(_language()[:2], "EN"),
        "labels": {"orders": str(panels.FIGURE_LABELS["orders"]),
                   "turnover": _("Turnover (yuan)"),
                   "complaints": str(panels.FIGURE_LABELS["complaints"]),
                   "sectors": _("Turnover by sector (yuan)")},
        "trend": {"periods": [period.label for period in panel.trend], "orders": numbers(trend, "orders"),
                  "turnover": numbers(trend, "turnover_fen"), "complaints": numbers(trend, "complaints")},
    }
    if "districts" in tables:
        groups = panel.by_district
        data["districts"] = {"names": [group.label for group in groups],
                             "orders": numbers([group.figures for group in groups], "orders"),
                             "turnover": numbers([group.figures for group in groups], "turnover_fen"),
                             "links": [panels.group_url(group, panel.selection) for group in groups]}
    data["sectors"] = [{"name": group.label, "value": panels.figure_number("turnover_fen",
                                                                           group.figures["turnover_fen"])}
                       for group in panel.by_sector]
    return data


def _presets(request, selection: panels.Selection) -> list[dict]:
    """Ranges an officer asks for most, ending today: the last 7, 30 and 90 days, and this year by month."""
    today = _today()
    ranges = [(_("Last 7 days"), today - dt.timedelta(days=6), "day"),
              (_("Last 30 days"), today - dt.timedelta(days=29), "day"),
              (_("Last 90 days"), today - dt.timedelta(days=89), "week"),
              (_("This year"), today.replace(month=1, day=1), "month")]
    presets = []
    for label, start, granularity in ranges:
        chosen = panels.Selection(start=start, end=today, granularity=granularity, figure=selection.figure)
        presets.append({"label": label, "url": panels.with_query(request.path, chosen),
                        "current": chosen == selection})
    return presets


def _statistics_context(request, panel: panels.Panel, *, error: ShareCityError | None) -> dict:
    tables = _tables_shown(panel)
    headers = [panels.FIGURE_LABELS[name] for name in panels.KEY_FIGURES]
    return {
        "panel": panel,
        "selection": panel.selection,
        "stat_error": error,
        "granularities": list(panels.GRANULARITY_LABELS.items()),
        "presets": _presets(request, panel.selection),
        "grid_figures": [(name, panels.FIGURE_LABELS[name]) for name in panels.GRID_FIGURES],
        "grid_figure_label": panels.FIGURE_LABELS[panel.selection.figure],
        "range_text": f"{panels.date_label(panel.selection.start, language=_language())} – "
                      f"{panels.date_label(panel.selection.end, language=_language())}",
        "key_figures": [{"key": name, "label": panels.FIGURE_LABELS[name],
                         "text": panels.figure_text(name, panel.totals.get(name))} for name in panels.KEY_FIGURES],
        "stat_headers": headers,
        "stat_tables": [{
            "name": table, "title": TABLE_TITLES[table], "heading": TABLE_HEADINGS[table],
            "export": panels.with_query(request.path, panel.selection, format="xlsx", table=table),
            "rows": [{"key": key, "label": label, "link": link,
                      "cells": [{"key": name, "text": panels.figure_text(name, figures.get(name))}
                                for name in panels.KEY_FIGURES]}
                     for key, label, figures, link in _table_rows(panel, table)],
        } for table in tables],
        "tiles": [{"tile": tile, "link": panels.district_url(tile.code, panel.selection)} for tile in panel.tiles],
        "chart_data": _chart_data(panel, tables),
        "per_10k": _per_10k_rows(panel) if "districts" in tables else [],
    }


def _per_10k_rows(panel: panels.Panel) -> list[dict]:
    """The district comparison per 10,000 residents: each district with a population figure."""
    return [{"key": group.key, "label": group.label, "residents": f"{group.residents.residents:,}",
             "source": group.residents.source.cite(),
             "cells": [{"key": name, "text": panels.figure_text(name, group.per_10k.get(name))
                        if name in panels.MONEY_FIGURES else
                        ("—" if group.per_10k.get(name) is None else f"{group.per_10k[name]:,.2f}")}
                       for name in PER_10K]}
            for group in panel.by_district if group.residents is not None and group.per_10k is not None]


def _export(request, *, jurisdiction: Jurisdiction, selection: panels.Selection, error: ShareCityError | None,
            scope: str, filename: str, platform_id: str | None = None, district_code: str | None = None):
    """One table of the page as an Excel workbook: the rows the page shows, money in yuan."""
    fmt, table = request.GET.get("format", ""), request.GET.get("table", "")
    if fmt != "xlsx":
        return HttpResponse(_("Unknown format; the tables export as xlsx."), status=400,
                            content_type="text/plain; charset=utf-8")
    if error is not None:
        return HttpResponse(f"{error.field}: {error.message}", status=400, content_type="text/plain; charset=utf-8")
    tables = panels.PANEL_TABLES["platform" if platform_id else "district" if district_code else "city"]
    if table not in tables:
        return HttpResponse(_("Unknown table; one of: %(values)s.") % {"values": ", ".join(tables)},
                            status=400, content_type="text/plain; charset=utf-8")
    panel = panels.panel(jurisdiction=jurisdiction, selection=selection, language=_language(), scope=scope,
                         platform_id=platform_id, district_code=district_code)
    names = panels.KEY_FIGURES
    headers = [str(TABLE_HEADINGS[table])]
    for name in names:
        label = str(panels.FIGURE_LABELS[name])
        headers.append(f"{label} (%)" if name == "resolved_in_time_share" else
                       f"{label} ({YUAN})" if name in panels.MONEY_FIGURES else label)
    # Money stays in fen here: the sheet writes its money columns as yuan.
    rows = [[label, *[figures.get(name) if name in panels.MONEY_FIGURES
                      else panels.figure_number(name, figures.get(name)) for name in names]]
            for _key, label, figures, _url in _table_rows(panel, table)]
    money = frozenset(index + 1 for index, name in enumerate(names) if name in panels.MONEY_FIGURES)
    if table == "districts":
        # The comparison per 10,000 residents, as the page shows it beside the table.
        headers += [str(_("Resident population")), str(_("Orders per 10,000 residents")),
                    f"{_('Turnover per 10,000 residents')} ({YUAN})",
                    str(_("Active providers per 10,000 residents"))]
        for row, group in zip(rows, panel.by_district, strict=True):
            per_10k = group.per_10k or {}
            row += [group.residents.residents if group.residents else None,
                    *[per_10k.get(name) for name in PER_10K]]
        money = money | {len(names) + 1 + 1 + PER_10K.index("turnover_fen")}
    sheet = Sheet(title=str(TABLE_TITLES[table]), headers=headers, rows=rows, money_columns=money)
    stamp = f"{selection.start.isoformat()}_{selection.end.isoformat()}"
    return xlsx_response(filename=f"{filename}-{table}-{stamp}.xlsx", sheets=[sheet])


def _drilldown(request, *, kind: str, key: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    jurisdiction = _jurisdiction(request)
    try:
        if kind == "platform":
            platform_id, district_code = panels.platform_in(jurisdiction, key), None
            scope = registered_platform_names().get(platform_id, platform_id)
        else:
            platform_id, district_code = None, panels.district_in(jurisdiction, key)
            scope = district_name(district_code, language=_language())
    except NotFound as missing:
        raise Http404(str(missing.message)) from None
    selection, error = _selection(request)
    if request.GET.get("format"):
        return _export(request, jurisdiction=jurisdiction, selection=selection, error=error, scope=scope,
                       filename=f"{kind}-{key}", platform_id=platform_id, district_code=district_code)
    panel = panels.panel(jurisdiction=jurisdiction, selection=selection, language=_language(), scope=scope,
                         platform_id=platform_id, district_code=district_code)
    context = _statistics_context(request, panel, error=error)
    context.update(kind=kind, key=key, scope=scope,
                   back=panels.with_query(reverse("monitoring:dashboard"), panel.selection))
    return render(request, "monitoring/drilldown.html", context, status=error.http_status if error else 200)


@require_GET
def platform(request, platform_id: str):
    """One platform within the officer's jurisdiction: its trends, districts and sectors."""
    return _drilldown(request, kind="platform", key=platform_id)


@require_GET
def district(request, code: str):
    """One district of the officer's jurisdiction: its trends, sectors and platforms."""
    return _drilldown(request, kind="district", key=code)
