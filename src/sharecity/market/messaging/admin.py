from django.contrib import admin

from sharecity.market.messaging.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("thread", "author_role", "created_at", "contact_kinds")

    def has_delete_permission(self, request, obj=None):
        return False
