"""Facts are what platforms reported: read-only in the admin (a correction comes from the platform)."""

from django.contrib import admin

from sharecity.hub.audit.admin import ReadOnlyModelAdmin
from sharecity.hub.facts.models import (
    ComplaintFact,
    FollowUpNote,
    ListingFact,
    ModerationFact,
    SafetyIncident,
    SubjectFact,
)


@admin.register(ListingFact)
class ListingFactAdmin(ReadOnlyModelAdmin):
    list_display = ("listing_id", "platform_id", "title", "district_code", "state", "updated_at")
    list_filter = ("state",)
    search_fields = ("listing_id", "provider_key", "title")


@admin.register(ComplaintFact)
class ComplaintFactAdmin(ReadOnlyModelAdmin):
    list_display = ("complaint_id", "platform_id", "district_code", "status", "filed_at", "answered_at")
    list_filter = ("status",)
    search_fields = ("complaint_id", "order_id")


@admin.register(ModerationFact)
class ModerationFactAdmin(ReadOnlyModelAdmin):
    list_display = ("decision_id", "platform_id", "kind", "subject_type", "decision", "decided_at")
    list_filter = ("kind", "decision")


@admin.register(SafetyIncident)
class SafetyIncidentAdmin(ReadOnlyModelAdmin):
    list_display = ("incident_id", "platform_id", "category", "severity", "district_code", "occurred_at")
    list_filter = ("severity", "category")


@admin.register(SubjectFact)
class SubjectFactAdmin(ReadOnlyModelAdmin):
    list_display = ("subject_key", "platform_id", "subject_kind", "district_code", "verified_at")


@admin.register(FollowUpNote)
class FollowUpNoteAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "complaint", "incident", "department", "created_at")
