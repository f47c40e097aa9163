from django.contrib import admin

from sharecity.market.moderation.models import ModerationCase, StatementOfReasons


@admin.register(ModerationCase)
class ModerationCaseAdmin(admin.ModelAdmin):
    list_display = ("subject_type", "subject_id", "platform", "status", "outcome", "opened_at", "decided_at")
    list_filter = ("platform", "status", "subject_type")
    readonly_fields = ("findings", "text", "opened_at", "decided_at", "decided_by")


@admin.register(StatementOfReasons)
class StatementOfReasonsAdmin(admin.ModelAdmin):
    """Read-only: a statement is a record of what the provider was told and the hub received."""

    list_display = ("subject_type", "subject_id", "platform", "decision", "ground", "created_at")
    list_filter = ("platform", "decision", "ground", "automated_decision")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
