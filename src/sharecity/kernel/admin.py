from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from sharecity.kernel.models import AuditEvent, OutboxMessage, User


@admin.register(User)
class ShareCityUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("ShareCity", {"fields": ("display_name", "phone")}))
    list_display = ("username", "display_name", "is_staff", "is_active")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_label", "action", "target_type", "target_id", "platform_id")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "platform_id", "message_type", "created_at", "relayed_at", "sequence")
    list_filter = ("message_type",)

    def has_change_permission(self, request, obj=None):
        return False
