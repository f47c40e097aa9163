"""Reference data that migrations load (the enforcement catalogue and default leniency list, the inspection
ratio rules and items, the warning rules' settings, Tianjin's policy targets, the search synonyms): a
transactional test's flush removes it, so a transactional test that needs it puts it back, with the
migrations' own idempotent functions."""

from __future__ import annotations

import importlib

SEEDING_MIGRATIONS = (
    ("sharecity.hub.evaluation.migrations.0002_tianjin_targets_and_default_scheme", "seed"),
    ("sharecity.hub.enforcement.migrations.0002_catalogue_seed", "seed"),
    ("sharecity.hub.inspection.migrations.0002_ratio_rules_and_items", "seed"),
    ("sharecity.hub.warnings.migrations.0002_rule_settings", "load"),
    ("sharecity.market.listings.migrations.0005_search_synonyms", "synonyms_seed"),
    ("sharecity.market.listings.migrations.0006_life_service_synonyms", "synonyms_seed"),
    ("sharecity.hub.opendata.migrations.0002_disclosure_rule", "seed"),
    ("sharecity.hub.complaints.migrations.0002_time_limits", "load"),
    ("sharecity.market.notices.migrations.0002_periods", "seed"),
    ("sharecity.hub.notices.migrations.0002_deadlines", "seed"),
    ("sharecity.hub.quota.migrations.0002_seed_zones_weights", "seed"),
)


def migration_seeds_restore() -> None:
    from django.apps import apps

    for module, function in SEEDING_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
