from django.contrib import admin

# Credit files change only through the services (facts, audited regulator actions); scorecard versions
# are never edited.
from sharecity.hub.audit.admin import ReadOnlyModelAdmin
from sharecity.hub.credit.models import CreditRecord, CreditSubject, ScorecardVersion


@admin.register(CreditSubject)
class CreditSubjectAdmin(ReadOnlyModelAdmin):
    list_display = ("kind", "name", "district_code", "city_code", "platform_id", "created_at")
    list_filter = ("kind", "city_code")


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyModelAdmin):
    list_display = ("kind", "title", "severity", "polarity", "decided_on", "public", "district_code")
    list_filter = ("kind", "public", "severity")


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(ReadOnlyModelAdmin):
    list_display = ("city_code", "effective_from", "created_by", "created_at", "note")
