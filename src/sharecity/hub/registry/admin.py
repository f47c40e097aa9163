from django.contrib import admin

from sharecity.hub.registry.models import RegisteredPlatform, RegulatorProfile


@admin.register(RegisteredPlatform)
class RegisteredPlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "platform_id", "registered_at")


@admin.register(RegulatorProfile)
class RegulatorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "department", "district_code")
