"""The public catalogue: the category tree, each category's attribute schema, required licences and
transaction process, in the reader's language (Accept-Language, or ``?lang=``, through Django's locale).

No login: what a platform sells under which rules is public (《电子商务法》第十五条 and 第三十三条 ask
platforms to show their service agreements and transaction rules where anyone can read them). With
``platform`` the answer is that platform's: the categories its operator enabled, the fields it added and
the process it chose.
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.market.catalog import selectors
from sharecity.market.catalog.errors import CategoryNotFound
from sharecity.market.catalog.forms import PROCESS_LABELS
from sharecity.market.catalog.models import Category, PriceUnit
from sharecity.market.platforms.selectors import platform_get

router = Router(tags=["catalog"])

SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class CatalogQuery(Schema):
    platform: str | None = Field(None, max_length=64, pattern=SLUG,
                                 description="a platform's slug: only the categories it enabled, with its fields")


class CategorySummaryOut(Schema):
    code: str
    name: str
    name_zh: str
    name_en: str
    parent: str | None
    depth: int
    sector: str
    process: str
    process_label: str
    price_unit: str
    price_unit_label: str


class ChoiceOut(Schema):
    value: str
    label: str


class AttributeOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    unit: str | None = None
    choices: list[ChoiceOut] | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    filterable: bool = False
    source: str = Field(description="category: the city's catalogue; platform: added by the platform's operator")


class LicenceOut(Schema):
    code: str
    label: str
    holder: str = Field(description="listing, provider or customer: who must hold it")
    legal_reference: str


class CategoryOut(CategorySummaryOut):
    path: list[str] = Field(description="the codes from the root down to this category")
    attributes: list[AttributeOut]
    licences: list[LicenceOut]


def _chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def _localised(item: dict, key: str = "label") -> str:
    zh, en = item.get(f"{key}_zh") or "", item.get(f"{key}_en") or ""
    return (zh or en) if _chinese() else (en or zh)


def _summary(category: Category, *, depth: int, platform) -> dict:
    process = selectors.process_for(category=category, platform=platform)
    return {"code": category.code, "name": _localised({"name_zh": category.name_zh, "name_en": category.name_en},
                                                      "name"),
            "name_zh": category.name_zh, "name_en": category.name_en,
            "parent": category.parent.code if category.parent_id else None, "depth": depth,
            "sector": category.sector, "process": process, "process_label": str(PROCESS_LABELS.get(process, process)),
            "price_unit": category.default_unit, "price_unit_label": str(PriceUnit(category.default_unit).label)}


def _platform(slug: str | None):
    return None if slug is None else platform_get(slug=slug)  # an unknown slug: 404 naming "platform"


def _choices(definition: dict) -> list[dict] | None:
    raw = definition.get("choices")
    if not raw:
        return None
    return [{"value": str(c.get("value")), "label": _localised(c) or str(c.get("value"))} if isinstance(c, dict)
            else {"value": str(c), "label": str(c)} for c in raw]


@router.get("/catalog/categories", response={200: list[CategorySummaryOut], **VALIDATION, 404: ErrorOut, 429: ErrorOut},
            auth=None)
def categories_list(request, filters: Query[CatalogQuery]):
    """Every active category, parents before their children, with its process and price unit; with
    ``platform``, the categories that platform enabled (and its process where it chose another)."""
    platform = _platform(filters.platform)
    enabled = {c.pk for c in selectors.categories_enabled(platform=platform)} if platform is not None else None
    rows: list[dict] = []

    def walk(nodes):
        for node in nodes:
            category = node["category"]
            if enabled is None or category.pk in enabled:
                rows.append(_summary(category, depth=node["depth"], platform=platform))
            walk(node["children"])

    walk(selectors.category_tree())
    return rows


@router.get("/catalog/categories/{code}", response={200: CategoryOut, **VALIDATION, 404: ErrorOut, 429: ErrorOut},
            auth=None)
def category_detail(request, code: str, filters: Query[CatalogQuery]):
    """One category: the fields a listing fills (its ancestors' and its own, then the platform's additions),
    the licences it needs and who holds them, its process and price unit."""
    platform = _platform(filters.platform)
    category = Category.objects.filter(code=code[:65]).select_related("parent").first()
    hidden = platform is not None and category is not None and not selectors.is_enabled(category=category,
                                                                                         platform=platform)
    if category is None or not category.is_active or hidden:
        raise CategoryNotFound(_("No such category."), field="code")
    chain = selectors.category_ancestors(category)
    attributes = [{"name": f["name"], "label": _localised(f) or f["name"], "type": f.get("type", "text"),
                   "required": bool(f.get("required")), "unit": f.get("unit"), "choices": _choices(f),
                   "min": f.get("min"), "max": f.get("max"), "max_length": f.get("max_length"),
                   "filterable": bool(f.get("filterable")), "source": f.get("source", "category")}
                  for f in selectors.attribute_fields(category=category, platform=platform)]
    licences = [{"code": rule.get("code", ""), "label": _localised(rule) or rule.get("code", ""),
                 "holder": rule.get("holder", "listing"), "legal_reference": rule.get("legal_reference", "")}
                for rule in selectors.licence_rules(category=category, platform=platform)]
    return {**_summary(category, depth=len(chain) - 1, platform=platform), "path": [node.code for node in chain],
            "attributes": attributes, "licences": licences}
