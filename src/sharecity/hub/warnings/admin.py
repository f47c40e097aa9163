from django.contrib import admin

from sharecity.hub.warnings.models import LodgingLicence, RuleSetting, Warning, WarningScan


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    list_display = ("rule", "effective_from", "severity", "source")
    list_filter = ("rule",)


@admin.register(Warning)
class WarningAdmin(admin.ModelAdmin):
    list_display = ("id", "rule", "severity", "status", "city_code", "district_code", "subject_kind", "subject_ref",
                    "raised_at")
    list_filter = ("rule", "severity", "status", "city_code")
    readonly_fields = [field.name for field in Warning._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a warning moves only through its services, which audit each step


@admin.register(LodgingLicence)
class LodgingLicenceAdmin(admin.ModelAdmin):
    list_display = ("licence_number", "city_code", "district_code", "holder_key", "valid_from", "valid_until")
    list_filter = ("city_code",)
    search_fields = ("licence_number", "holder_key")


@admin.register(WarningScan)
class WarningScanAdmin(admin.ModelAdmin):
    list_display = ("started_at", "as_of", "skipped", "raised")
