from django.contrib import admin
from django.db import transaction

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.audit.services import audit_record


class AuditedModelAdmin(admin.ModelAdmin):
    """Hub staff editing a record in the admin is a regulator action like any other: it goes into
    the audit chain, in the admin's own transaction (the change and delete views are atomic)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = sorted(form.changed_data)
        audit_record(actor=request.user, action="admin.changed" if change else "admin.added",
                     object_type=obj._meta.label_lower, object_id=obj.pk,
                     detail={"fields": changed, "values": {name: str(form.cleaned_data.get(name)) for name in changed}})

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="admin.deleted", object_type=obj._meta.label_lower,
                     object_id=obj.pk, detail={"was": str(obj)})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The "delete selected" action runs outside the change views' transaction.
        with transaction.atomic():
            for obj in queryset:
                audit_record(actor=request.user, action="admin.deleted", object_type=obj._meta.label_lower,
                             object_id=obj.pk, detail={"was": str(obj)})
            super().delete_queryset(request, queryset)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Records that change only through services (the audit chain, facts from platforms, credit files):
    the admin shows them and nothing more, so no admin edit bypasses what the services record."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    list_display = ("sequence", "occurred_at", "actor_name", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("object_id", "actor_name")
