"""The city's time limits for notices (not legal numbers) are edited here, each from a date."""

from django.contrib import admin

from sharecity.hub.notices.models import NoticeDeadline


@admin.register(NoticeDeadline)
class NoticeDeadlineAdmin(admin.ModelAdmin):
    list_display = ("code", "hours", "effective_from", "source")
