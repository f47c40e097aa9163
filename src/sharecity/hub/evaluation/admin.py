from django.contrib import admin

# Targets, designations, schemes and runs change only through the services (audited); runs never change.
from sharecity.hub.audit.admin import ReadOnlyModelAdmin
from sharecity.hub.evaluation.models import (
    Designation,
    EvaluationRun,
    IndicatorScheme,
    PolicyTarget,
    SectorCategory,
)


@admin.register(PolicyTarget)
class PolicyTargetAdmin(ReadOnlyModelAdmin):
    list_display = ("city_code", "code", "name_zh", "target_value", "target_year", "source_article")
    list_filter = ("city_code", "target_year")


@admin.register(SectorCategory)
class SectorCategoryAdmin(ReadOnlyModelAdmin):
    list_display = ("city_code", "sector", "category", "source")


@admin.register(Designation)
class DesignationAdmin(ReadOnlyModelAdmin):
    list_display = ("city_code", "platform_id", "kind", "decision_reference", "recognised_on")


@admin.register(IndicatorScheme)
class IndicatorSchemeAdmin(ReadOnlyModelAdmin):
    list_display = ("city_code", "effective_from", "negative_threshold", "created_at", "note")


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyModelAdmin):
    list_display = ("city_code", "year", "quarter", "version", "fund_fen", "created_at")
    list_filter = ("city_code", "year")
