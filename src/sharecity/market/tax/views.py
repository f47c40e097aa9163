"""The operator's page of the platform's Decree 810 reports: quarters, deadlines, files, filing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sharecity.kernel.errors import InvalidInput, ShareCityError
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.web import operator_platform_or_403
from sharecity.market.tax import selectors, services
from sharecity.market.tax.api import file_response, tax_overview, vat_file_response
from sharecity.market.tax.decree810 import quarter_parse


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(
        request, slug, refusal=_("Only the platform's operator staff may see and file its tax reports."))


@login_required
@require_GET
def report_list(request, slug: str):
    """The quarters' Decree 810 reports and the month's VAT returns filed on the workers' behalf (``?month=``)."""
    platform = _operator_platform(request, slug)
    context = {"platform": platform, **tax_overview(platform)}
    try:
        month = selectors.month_parse(request.GET.get("month"))
    except InvalidInput as error:
        messages.error(request, str(error.message))
        month = selectors.month_parse(None)
    context["vat"] = selectors.vat_month(platform=platform, month=month)
    return render(request, "market_tax/list.html", context)


@login_required
@require_GET
def vat_file(request, slug: str, month: str):
    platform = _operator_platform(request, slug)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("No such file."))
    try:
        period = selectors.month_parse(month)
    except InvalidInput as error:
        raise Http404(str(error.message)) from None
    return vat_file_response(selectors.vat_month(platform=platform, month=period), format=fmt)


@login_required
@require_POST
def vat_prepare(request, slug: str):
    platform = _operator_platform(request, slug)
    month_text = request.POST.get("month", "")[:7]
    try:
        month = selectors.month_parse(month_text)
        returns = services.prepare_vat_returns(platform=platform, month=month, actor=request.user)
    except ShareCityError as error:
        messages.error(request, str(error.message))
        return redirect("market_tax:list", slug=platform.slug)
    messages.success(request, _("%(count)s VAT returns for %(month)s are ready.")
                     % {"count": len(returns), "month": f"{month:%Y-%m}"})
    return redirect(f"{reverse('market_tax:list', kwargs={'slug': platform.slug})}?month={month:%Y-%m}")


@login_required
@require_GET
def report_file(request, slug: str, year: int, quarter: int):
    platform = _operator_platform(request, slug)
    form = request.GET.get("form", "all")
    fmt = request.GET.get("format", "xlsx")
    if form not in ("identity", "income", "all") or fmt not in ("csv", "xlsx", "xml"):
        raise Http404(_("No such file."))
    try:
        period = quarter_parse(year, quarter)
    except InvalidInput as error:
        raise Http404(str(error.message)) from None
    return file_response(selectors.quarter_data(platform=platform, quarter=period), form=form, format=fmt)


@login_required
@require_POST
def report_send(request, slug: str, year: int, quarter: int):
    platform = _operator_platform(request, slug)
    try:
        filing = services.quarterly_report_file(actor=request.user, platform=platform, year=year, quarter=quarter)
    except ShareCityError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The report for %(year)sQ%(quarter)s is on its way to the tax department.")
                         % {"year": filing.year, "quarter": filing.quarter})
    return redirect("market_tax:list", slug=platform.slug)


def _statement_context(request, slug: str):
    from sharecity.market.platforms.web import platform_or_404
    from sharecity.market.tax.statement import statement_year, worker_statement

    platform = platform_or_404(slug)
    try:
        year = statement_year(request.GET.get("year") if "year" in request.GET else None)
    except InvalidInput as error:
        raise Http404(str(error.message)) from None
    return {"platform": platform, "statement": worker_statement(platform=platform, provider=request.user, year=year),
            "vat_returns": selectors.vat_returns_of_provider(platform=platform, provider=request.user, year=year)}


@login_required
@require_GET
def statement_page(request, slug: str):
    """The signed-in provider's own income and tax statement from this platform for a year."""
    return render(request, "market_tax/statement.html", _statement_context(request, slug))


@login_required
@require_GET
def statement_pdf(request, slug: str, year: int):
    """The annual income statement as a PDF (WeasyPrint, with the Chinese fonts installed)."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string
    from weasyprint import HTML

    request.GET = request.GET.copy()
    request.GET["year"] = str(year)
    context = {**_statement_context(request, slug), "printing": True}
    page = render_to_string("market_tax/statement.html", context, request=request)
    response = HttpResponse(HTML(string=page).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="income-statement-{context["platform"].slug}-{year}.pdf"'
    return response
