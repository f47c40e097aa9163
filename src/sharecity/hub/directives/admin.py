from django.contrib import admin

from sharecity.hub.audit.admin import AuditedModelAdmin
from sharecity.hub.directives.models import Directive


@admin.register(Directive)
class DirectiveAdmin(AuditedModelAdmin):
    list_display = ("directive_type", "platform_id", "department", "issued_at", "deadline", "status")
    list_filter = ("directive_type", "status")
    readonly_fields = ("message_id", "payload", "acknowledgement")
