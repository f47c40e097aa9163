"""The notice procedure's periods are data: a new period in force from a date is added here (a row with its
source), never by changing code. Notices themselves are read here, and changed only through the services."""

from django.contrib import admin

from sharecity.market.notices.models import Notice, NoticePeriod, NoticeStep


@admin.register(NoticePeriod)
class NoticePeriodAdmin(admin.ModelAdmin):
    list_display = ("code", "days", "effective_from", "source")


class NoticeStepInline(admin.TabularInline):
    model = NoticeStep
    extra = 0
    can_delete = False
    readonly_fields = ("step", "at", "actor", "actor_role", "note")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("tracking_code", "platform", "right_kind", "status", "filed_at", "restore_due_at")
    list_filter = ("platform", "status", "right_kind")
    inlines = [NoticeStepInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
