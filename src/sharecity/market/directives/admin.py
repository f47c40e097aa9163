from django.contrib import admin

from sharecity.market.directives.models import ReceivedDirective


@admin.register(ReceivedDirective)
class ReceivedDirectiveAdmin(admin.ModelAdmin):
    list_display = ("directive_type", "platform", "received_at", "deadline", "acknowledged_at", "completed")
    list_filter = ("directive_type", "completed")
    readonly_fields = ("message_id", "payload", "automatic_actions")
