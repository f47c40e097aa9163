"""Payments pages: a provider's payouts, the operator's commission settings and overdue deposits.

Thin: parse with a form, call a service or selector, show the outcome.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sharecity.kernel.errors import ShareCityError
from sharecity.market.payments import selectors, services
from sharecity.market.payments.chart import weekly_income_chart
from sharecity.market.payments.forms import CommissionRuleForm, add_service_error
from sharecity.market.payments.models import CommissionRule
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.web import operator_platform_or_403, platform_or_404


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(request, slug, refusal=_("Only the platform's operator staff may open this page."))


def _percent(basis_points: int) -> str:
    return f"{basis_points / 100:.2f}".rstrip("0").rstrip(".") + "%"


# --- providers -------------------------------------------------------------------------------------


@login_required
@require_GET
def payouts(request, slug: str):
    platform = platform_or_404(slug)
    summary = selectors.provider_summary(platform=platform, provider=request.user)
    chart = weekly_income_chart([(week.week_start, week.income_fen) for week in summary.weeks])
    return render(request, "payments/payouts.html", {
        "platform": platform, "summary": summary, "chart": chart,
        "payouts": selectors.provider_payouts(platform=platform, provider=request.user)[:100],
    })


# --- operators: commission -------------------------------------------------------------------------


def _rule_rows(platform: Platform) -> list[dict]:
    return [{"rule": rule, "percent": _percent(rule.percent_bp)}
            for rule in selectors.commission_rules(platform=platform)]


def _commission_page(request, platform: Platform, *, form: CommissionRuleForm | None = None,
                     editing: CommissionRule | None = None, status: int = 200) -> HttpResponse:
    return render(request, "payments/commission.html", {
        "platform": platform, "rows": _rule_rows(platform), "editing": editing,
        "form": form or (CommissionRuleForm.for_rule(editing) if editing else CommissionRuleForm()),
    }, status=status)


def _rule(platform: Platform, rule_id: int) -> CommissionRule:
    rule = selectors.commission_rules(platform=platform).filter(pk=rule_id).first()
    if rule is None:
        raise Http404(_("No such commission rule."))
    return rule


def _rule_save(request, platform: Platform, rule: CommissionRule | None) -> HttpResponse:
    form = CommissionRuleForm(request.POST)
    if form.is_valid():
        try:
            services.commission_rule_save(actor=request.user, platform=platform, rule=rule, **form.service_kwargs())
        except ShareCityError as error:
            add_service_error(form, error)
            return _commission_page(request, platform, form=form, editing=rule, status=error.http_status)
        messages.success(request, _("The commission rule is saved."))
        return redirect("payments:commission", slug=platform.slug)
    return _commission_page(request, platform, form=form, editing=rule, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def commission(request, slug: str):
    platform = _operator_platform(request, slug)
    if request.method == "POST":
        return _rule_save(request, platform, None)
    return _commission_page(request, platform)


@login_required
@require_http_methods(["GET", "POST"])
def commission_edit(request, slug: str, rule_id: int):
    platform = _operator_platform(request, slug)
    rule = _rule(platform, rule_id)
    if request.method == "POST":
        return _rule_save(request, platform, rule)
    return _commission_page(request, platform, editing=rule)


@login_required
@require_POST
def commission_delete(request, slug: str, rule_id: int):
    platform = _operator_platform(request, slug)
    services.commission_rule_delete(actor=request.user, rule=_rule(platform, rule_id))
    messages.success(request, _("The commission rule is removed."))
    return redirect("payments:commission", slug=platform.slug)


# --- operators: deposits ---------------------------------------------------------------------------


@login_required
@require_GET
def deposits_overdue(request, slug: str):
    platform = _operator_platform(request, slug)
    now = timezone.now()
    rows = [{"obligation": o, "days_late": (now - o.due_at).days}
            for o in selectors.deposits_overdue(platform=platform, now=now)[:500]]
    return render(request, "payments/deposits_overdue.html", {"platform": platform, "rows": rows, "now": now})
