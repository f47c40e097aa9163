from django.contrib import admin

from sharecity.market.platforms.models import ApiKey, OperatorMembership, Platform, PlatformMembership


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "credit_code", "is_active", "created_at")
    readonly_fields = ("public_id",)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("platform", "label", "prefix", "created_at", "revoked_at", "last_used_at")
    readonly_fields = ("prefix", "key_hash")


admin.site.register(OperatorMembership)


@admin.register(PlatformMembership)
class PlatformMembershipAdmin(admin.ModelAdmin):
    list_display = ("platform", "user", "joined_via", "joined_at")
    list_filter = ("platform", "joined_via")
    readonly_fields = ("joined_at",)
