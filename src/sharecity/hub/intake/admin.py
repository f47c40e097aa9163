from django.contrib import admin

from sharecity.hub.audit.admin import AuditedModelAdmin
from sharecity.hub.intake.models import IntakeStream, QuarantinedMessage, ReceivedMessage


@admin.register(ReceivedMessage)
class ReceivedMessageAdmin(AuditedModelAdmin):
    list_display = ("received_at", "platform_id", "sequence", "message_type")
    list_filter = ("message_type",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QuarantinedMessage)
class QuarantinedMessageAdmin(AuditedModelAdmin):
    list_display = ("received_at", "platform_id", "code", "field", "reason", "resolved_at")


admin.site.register(IntakeStream, AuditedModelAdmin)
