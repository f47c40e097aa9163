from django.contrib import admin

from sharecity.market.catalog.models import Category, PlatformCategory


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "parent", "sector", "default_process", "default_unit", "is_active")
    list_filter = ("sector", "default_process", "is_active")
    search_fields = ("code", "name_zh", "name_en")


@admin.register(PlatformCategory)
class PlatformCategoryAdmin(admin.ModelAdmin):
    list_display = ("platform", "category", "is_enabled", "process", "updated_at")
    list_filter = ("platform", "is_enabled")
