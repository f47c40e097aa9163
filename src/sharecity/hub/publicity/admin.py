from django.contrib import admin

from sharecity.hub.publicity.models import ListEntry, PenaltyDecision, RepairApplication


@admin.register(PenaltyDecision)
class PenaltyDecisionAdmin(admin.ModelAdmin):
    list_display = ("decision_number", "severity", "decided_on", "department", "city_code")
    readonly_fields = [f.name for f in PenaltyDecision._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ListEntry)
class ListEntryAdmin(admin.ModelAdmin):
    list_display = ("credit_list", "subject_identifier", "status", "effective_on", "expires_on", "city_code")
    readonly_fields = [f.name for f in ListEntry._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RepairApplication)
class RepairApplicationAdmin(admin.ModelAdmin):
    list_display = ("tracking_code", "status", "received_on", "decision_due", "result_due", "city_code")
    exclude = ("secret_hash",)
    readonly_fields = [f.name for f in RepairApplication._meta.fields if f.name != "secret_hash"]

    def has_add_permission(self, request):
        return False
