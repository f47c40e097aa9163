"""Reads of the catalog: categories, the fields and licences a listing needs, the process it follows."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sharecity.market.catalog.errors import CategoryNotFound
from sharecity.market.catalog.models import Category, PlatformCategory


def category_get(*, code: str) -> Category:
    category = Category.objects.filter(code=code).select_related("parent").first()
    if category is None:
        raise CategoryNotFound(_("No such category."), field="category")
    return category


def categories_all() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent")


def category_ancestors(category: Category) -> list[Category]:
    """The category's ancestors, root first, then the category itself."""
    chain = [category]
    seen = {category.pk}
    node = category
    while node.parent_id is not None and node.parent_id not in seen:
        node = node.parent
        seen.add(node.pk)
        chain.append(node)
    return list(reversed(chain))


def category_descendant_ids(category: Category) -> list[int]:
    """The ids of the category and every category below it."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for pk, parent in parents.items():
        children.setdefault(parent, []).append(pk)
    found, todo = [], [category.pk]
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


def category_tree() -> list[dict]:
    """Every active category as ``{"category", "depth", "children": [...]}`` nodes, roots first."""
    categories = list(categories_all())
    by_parent: dict[int | None, list[Category]] = {}
    for category in categories:
        by_parent.setdefault(category.parent_id, []).append(category)

    def build(parent_id, depth):
        return [{"category": c, "depth": depth, "children": build(c.pk, depth + 1)}
                for c in by_parent.get(parent_id, [])]

    return build(None, 0)


def platform_settings(*, platform) -> dict[int, PlatformCategory]:
    """This platform's settings rows by category id."""
    return {pc.category_id: pc for pc in PlatformCategory.objects.filter(platform=platform)}


def categories_enabled(*, platform) -> list[Category]:
    """The categories the platform's operator enabled (none until the operator enables some)."""
    return list(
        Category.objects.filter(is_active=True, platform_settings__platform=platform,
                                platform_settings__is_enabled=True)
        .select_related("parent").order_by("sort_order", "code")
    )


def is_enabled(*, category: Category, platform) -> bool:
    return PlatformCategory.objects.filter(platform=platform, category=category, is_enabled=True).exists()


def attribute_fields(*, category: Category, platform) -> list[dict]:
    """The fields a listing of ``category`` fills on ``platform``.

    The schema of each ancestor (root first) and of the category itself, each followed by the
    fields this platform's operator added to it. Each definition gets ``source``: ``"category"``
    or ``"platform"``.
    """
    chain = category_ancestors(category)
    settings = {pc.category_id: pc for pc in PlatformCategory.objects.filter(
        platform=platform, category_id__in=[node.pk for node in chain])} if platform is not None else {}
    fields: list[dict] = []
    names: set[str] = set()
    for node in chain:
        extra = settings[node.pk].extra_fields if node.pk in settings else []
        for source, definitions in (("category", node.attribute_schema or []), ("platform", extra or [])):
            for definition in definitions:
                if definition.get("name") in names:
                    continue
                names.add(definition["name"])
                fields.append({**definition, "source": source})
    return fields


def licence_rules(*, category: Category, platform) -> list[dict]:
    """The licences a listing of ``category`` needs: its own rules and its ancestors', once per code and holder."""
    rules: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for node in reversed(category_ancestors(category)):
        for rule in node.licence_rules or []:
            key = (rule.get("code", ""), rule.get("holder", ""))
            if key not in seen:
                seen.add(key)
                rules.append(dict(rule))
    return rules


def process_for(*, category: Category, platform) -> str:
    """The process code: the platform's override, else the nearest default up the tree."""
    if platform is not None:
        override = (PlatformCategory.objects.filter(platform=platform, category=category)
                    .values_list("process", flat=True).first())
        if override:
            return override
    for node in reversed(category_ancestors(category)):
        if node.default_process:
            return node.default_process
    return "request_to_book"
