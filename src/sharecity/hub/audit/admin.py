from django.contrib import admin

from sharecity.hub.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("sequence", "occurred_at", "actor_name", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("object_id", "actor_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
