from django.contrib import admin

from sharecity.hub.enforcement.models import Case, CaseHandover, LeniencyEntry, Violation


@admin.register(Violation)
class ViolationAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "law", "article")


@admin.register(LeniencyEntry)
class LeniencyEntryAdmin(admin.ModelAdmin):
    list_display = ("violation", "city_code", "look_back_months", "correction_days", "effective_from",
                    "effective_until")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("public_id", "city_code", "district_code", "department", "source_kind", "status")
    list_filter = ("status", "source_kind", "department")


@admin.register(CaseHandover)
class CaseHandoverAdmin(admin.ModelAdmin):
    list_display = ("case", "from_department", "from_district_code", "to_department", "to_district_code", "at")
