from django.contrib import admin

from sharecity.hub.audit.admin import AuditedModelAdmin
from sharecity.hub.identity.models import IdentityReview


@admin.register(IdentityReview)
class IdentityReviewAdmin(AuditedModelAdmin):
    list_display = ("requested_at", "platform_id", "reason", "subject_key", "claimed_key")
    list_filter = ("reason",)
    readonly_fields = ("platform_id", "review_id", "subject_key", "claimed_key", "subject_kind", "reason",
                       "requested_at", "received_at")
