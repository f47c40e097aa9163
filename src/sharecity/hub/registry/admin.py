from django.contrib import admin

from sharecity.hub.audit.admin import AuditedModelAdmin
from sharecity.hub.registry.models import KeyRotation, RegisteredPlatform, RegulatorProfile


@admin.register(RegisteredPlatform)
class RegisteredPlatformAdmin(AuditedModelAdmin):
    list_display = ("name", "credit_code", "platform_id", "registered_at")


@admin.register(RegulatorProfile)
class RegulatorProfileAdmin(AuditedModelAdmin):
    list_display = ("user", "department", "district_code")


@admin.register(KeyRotation)
class KeyRotationAdmin(AuditedModelAdmin):
    list_display = ("rotated_at", "platform_id", "effective_sequence", "source", "old_fingerprint", "new_fingerprint")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
