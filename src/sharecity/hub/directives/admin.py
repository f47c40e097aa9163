from django.contrib import admin

from sharecity.hub.directives.models import Directive


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ("directive_type", "platform_id", "department", "issued_at", "deadline", "status")
    list_filter = ("directive_type", "status")
    readonly_fields = ("message_id", "payload", "acknowledgement")
