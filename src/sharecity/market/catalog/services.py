"""Writes of the catalog: the seeded tree and each platform's settings of it.

A platform's category settings are its own configuration, not facts of the exchange: they are
audited (``kernel.services.audit_record``) but not reported to the hub.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sharecity.kernel.services import audit_record
from sharecity.market.catalog import fields as field_rules
from sharecity.market.catalog import selectors
from sharecity.market.catalog.errors import FieldNotFound, InvalidProcess, NotOperator
from sharecity.market.catalog.models import Category, PlatformCategory
from sharecity.market.catalog.seed import PROCESSES, TREE


def catalog_seed(*, category_model=None) -> int:
    """Write the category tree of ``catalog.seed.TREE``; running it again changes nothing.

    A data migration passes its historical ``Category`` model. Returns how many categories
    were created.
    """
    model = category_model or Category
    created = 0
    for position, top in enumerate(TREE, start=1):
        children = top["children"]
        parent, was_created = model.objects.update_or_create(code=top["code"], defaults={
            "parent": None, "sector": top["sector"], "name_zh": top["name_zh"], "name_en": top["name_en"],
            "default_process": children[0]["default_process"], "default_unit": children[0]["default_unit"],
            "attribute_schema": [], "licence_rules": [], "sort_order": position * 100, "is_active": True,
        })
        created += was_created
        for offset, child in enumerate(children, start=1):
            _leaf, was_created = model.objects.update_or_create(code=child["code"], defaults={
                "parent": parent, "sector": child["sector"] or top["sector"], "name_zh": child["name_zh"],
                "name_en": child["name_en"], "default_process": child["default_process"],
                "default_unit": child["default_unit"], "attribute_schema": child["attribute_schema"],
                "licence_rules": child["licence_rules"], "sort_order": position * 100 + offset, "is_active": True,
            })
            created += was_created
    return created


def attributes_clean(*, category: Category, platform, values: dict | None) -> dict:
    """The listing's attribute values typed and checked against the fields of its category on this platform.

    Raises ``InvalidAttribute`` with ``field="attributes.<name>"`` and a message naming the broken rule.
    """
    return field_rules.values_clean(selectors.attribute_fields(category=category, platform=platform), values)


def _check_operator(actor, platform) -> None:
    if actor is None:
        return
    from sharecity.market.platforms.selectors import is_operator

    if not is_operator(user=actor, platform=platform):
        raise NotOperator(_("Only the platform's operator staff may change its category settings."))


def _settings_row(platform, category: Category) -> PlatformCategory:
    row, _created = PlatformCategory.objects.select_for_update().get_or_create(
        platform=platform, category=category, defaults={"is_enabled": False})
    return row


@transaction.atomic
def platform_category_enable(*, actor, platform, category: Category, enabled: bool,
                             with_children: bool = False) -> PlatformCategory:
    """Enable (or disable) a category on the platform; ``with_children`` does the same to every category below."""
    _check_operator(actor, platform)
    targets = [category]
    if with_children:
        ids = selectors.category_descendant_ids(category)
        targets += list(Category.objects.filter(pk__in=ids).exclude(pk=category.pk))
    first = None
    for target in targets:
        row = _settings_row(platform, target)
        if row.is_enabled != enabled:
            row.is_enabled = enabled
            row.save(update_fields=["is_enabled", "updated_at"])
            audit_record(actor=actor, action="catalog.category_enabled" if enabled else "catalog.category_disabled",
                         target_type="category", target_id=target.code, platform_id=platform.exchange_id)
        first = first or row
    return first


@transaction.atomic
def platform_category_field_add(*, actor, platform, category: Category, field: dict) -> dict:
    """Add a field the platform's listings of ``category`` must fill; returns the stored definition."""
    _check_operator(actor, platform)
    row = _settings_row(platform, category)
    taken = {d["name"] for d in selectors.attribute_fields(category=category, platform=platform)}
    # A field added below would clash with one of this category's descendants too.
    for pc in PlatformCategory.objects.filter(platform=platform,
                                              category_id__in=selectors.category_descendant_ids(category)):
        taken.update(d["name"] for d in pc.extra_fields or [])
    for node in Category.objects.filter(pk__in=selectors.category_descendant_ids(category)):
        taken.update(d["name"] for d in node.attribute_schema or [])
    definition = field_rules.definition_clean(field, taken=taken)
    row.extra_fields = [*(row.extra_fields or []), definition]
    row.save(update_fields=["extra_fields", "updated_at"])
    audit_record(actor=actor, action="catalog.field_added", target_type="category", target_id=category.code,
                 platform_id=platform.exchange_id, data={"field": definition})
    return definition


@transaction.atomic
def platform_category_field_remove(*, actor, platform, category: Category, name: str) -> None:
    """Remove a field the operator added (the category's own fields cannot be removed)."""
    _check_operator(actor, platform)
    row = _settings_row(platform, category)
    remaining = [d for d in row.extra_fields or [] if d.get("name") != name]
    if len(remaining) == len(row.extra_fields or []):
        raise FieldNotFound(_("This platform added no field named %(name)s to the category.") % {"name": name},
                            field="name")
    row.extra_fields = remaining
    row.save(update_fields=["extra_fields", "updated_at"])
    audit_record(actor=actor, action="catalog.field_removed", target_type="category", target_id=category.code,
                 platform_id=platform.exchange_id, data={"name": name})


@transaction.atomic
def platform_category_process_set(*, actor, platform, category: Category, process: str) -> PlatformCategory:
    """Choose the transaction process of the category on this platform; empty means the category's default."""
    _check_operator(actor, platform)
    process = (process or "").strip()
    if process and process not in PROCESSES:
        raise InvalidProcess(_("The process must be one of: %(processes)s.") % {"processes": ", ".join(PROCESSES)},
                             field="process")
    row = _settings_row(platform, category)
    if row.process != process:
        previous = row.process
        row.process = process
        row.save(update_fields=["process", "updated_at"])
        audit_record(actor=actor, action="catalog.process_set", target_type="category", target_id=category.code,
                     platform_id=platform.exchange_id, data={"process": process, "previous": previous})
    return row
