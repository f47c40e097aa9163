from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sharecity.hub.audit.admin import AuditedModelAdmin
from sharecity.hub.gateway.models import IngestKey
from sharecity.hub.gateway.services import ingest_key_revoke


@admin.register(IngestKey)
class IngestKeyAdmin(AuditedModelAdmin):
    """Keys are issued by ``gateway_register`` / ``external_platform_onboard`` (shown once); here they are revoked."""

    list_display = ("platform_id", "label", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("platform_id", "label", "prefix")
    readonly_fields = ("platform_id", "label", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            ingest_key_revoke(actor=request.user, key=key)
