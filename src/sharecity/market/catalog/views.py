"""Category settings of a platform, for its operator staff only. Thin: parse, call a service, show."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sharecity.kernel.errors import NotFound, ShareCityError
from sharecity.market.catalog import selectors, services
from sharecity.market.catalog.fields import choice_label, choice_values
from sharecity.market.catalog.forms import PROCESS_LABELS, TYPE_LABELS, FieldForm, ProcessForm
from sharecity.market.catalog.models import Category
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.web import operator_platform_or_403


def _operator_platform(request, slug: str) -> Platform:
    return operator_platform_or_403(
        request, slug, refusal=_("Only the platform's operator staff may change its category settings."))


def _category(code: str) -> Category:
    try:
        return selectors.category_get(code=code)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def _rows(platform: Platform) -> list[dict]:
    """The tree flattened for the table, with this platform's setting of each category."""
    settings = selectors.platform_settings(platform=platform)
    rows: list[dict] = []

    def walk(nodes):
        for node in nodes:
            category = node["category"]
            setting = settings.get(category.pk)
            rows.append({
                "category": category, "depth": node["depth"], "has_children": bool(node["children"]),
                "enabled": bool(setting and setting.is_enabled),
                "extra_count": len(setting.extra_fields or []) if setting else 0,
                "process": PROCESS_LABELS.get(
                    (setting.process if setting else "") or category.default_process
                    or selectors.process_for(category=category, platform=platform), ""),
                "overridden": bool(setting and setting.process),
            })
            walk(node["children"])

    walk(selectors.category_tree())
    return rows


@login_required
@require_GET
def settings(request, slug: str):
    platform = _operator_platform(request, slug)
    return render(request, "catalog/settings.html", {"platform": platform, "rows": _rows(platform)})


def _category_page(request, platform: Platform, category: Category, *, field_form: FieldForm | None = None,
                   process_form: ProcessForm | None = None, status: int = 200):
    fields = selectors.attribute_fields(category=category, platform=platform)
    for definition in fields:
        definition["type_label"] = TYPE_LABELS.get(definition.get("type"), definition.get("type"))
        definition["choice_list"] = "、".join(choice_label(definition, value) for value in choice_values(definition))
    current = (selectors.platform_settings(platform=platform).get(category.pk))
    return render(request, "catalog/category.html", {
        "platform": platform, "category": category, "fields": fields,
        "licences": selectors.licence_rules(category=category, platform=platform),
        "enabled": bool(current and current.is_enabled),
        "process": PROCESS_LABELS.get(selectors.process_for(category=category, platform=platform), ""),
        "field_form": field_form or FieldForm(),
        "process_form": process_form or ProcessForm(initial={"process": current.process if current else ""}),
    }, status=status)


@login_required
@require_GET
def category_settings(request, slug: str, code: str):
    platform = _operator_platform(request, slug)
    return _category_page(request, platform, _category(code))


@login_required
@require_POST
def enable(request, slug: str, code: str):
    """Switch a category on or off; under htmx the row is answered, otherwise the tree page."""
    platform = _operator_platform(request, slug)
    category = _category(code)
    enabled = request.POST.get("enabled") in ("1", "true", "on")
    services.platform_category_enable(actor=request.user, platform=platform, category=category, enabled=enabled,
                                      with_children=request.POST.get("with_children") in ("1", "true", "on"))
    if request.htmx:
        rows = _rows(platform)
        return render(request, "catalog/_rows.html", {"platform": platform, "rows": rows})
    if enabled:
        messages.success(request, _("%(category)s is enabled.") % {"category": category.name_zh})
    else:
        messages.success(request, _("%(category)s is disabled.") % {"category": category.name_zh})
    return redirect("catalog:settings", slug=platform.slug)


@login_required
@require_POST
def field_add(request, slug: str, code: str):
    platform = _operator_platform(request, slug)
    category = _category(code)
    form = FieldForm(request.POST)
    if not form.is_valid():
        return _category_page(request, platform, category, field_form=form, status=400)
    try:
        definition = services.platform_category_field_add(actor=request.user, platform=platform, category=category,
                                                          field=form.definition())
    except ShareCityError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return _category_page(request, platform, category, field_form=form, status=error.http_status)
    messages.success(request, _("The field %(name)s was added.") % {"name": definition["name"]})
    return redirect("catalog:category", slug=platform.slug, code=category.code)


@login_required
@require_POST
def field_remove(request, slug: str, code: str, name: str):
    platform = _operator_platform(request, slug)
    category = _category(code)
    try:
        services.platform_category_field_remove(actor=request.user, platform=platform, category=category, name=name)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    messages.success(request, _("The field %(name)s was removed.") % {"name": name})
    return redirect("catalog:category", slug=platform.slug, code=category.code)


@login_required
@require_POST
def process_set(request, slug: str, code: str):
    platform = _operator_platform(request, slug)
    category = _category(code)
    form = ProcessForm(request.POST)
    if not form.is_valid():
        return _category_page(request, platform, category, process_form=form, status=400)
    services.platform_category_process_set(actor=request.user, platform=platform, category=category,
                                           process=form.cleaned_data["process"])
    messages.success(request, _("The transaction process was saved."))
    return redirect("catalog:category", slug=platform.slug, code=category.code)
