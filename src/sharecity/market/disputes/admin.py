from django.contrib import admin

from sharecity.market.disputes.models import Dispute


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("order", "reason", "status", "refund_fen", "created_at", "decided_at")
    list_filter = ("platform", "status", "reason")

    def has_delete_permission(self, request, obj=None):
        return False
