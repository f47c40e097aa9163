from django.contrib import admin

from sharecity.hub.credit.models import CreditRecord, CreditSubject, ScorecardVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    """Credit files change only through the services (facts, audited regulator actions); scorecard
    versions are never edited. The admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditSubject)
class CreditSubjectAdmin(ReadOnlyAdmin):
    list_display = ("kind", "name", "district_code", "city_code", "platform_id", "created_at")
    list_filter = ("kind", "city_code")


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ("kind", "title", "severity", "polarity", "decided_on", "public", "district_code")
    list_filter = ("kind", "public", "severity")


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(ReadOnlyAdmin):
    list_display = ("city_code", "effective_from", "created_by", "created_at", "note")
