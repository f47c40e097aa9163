from django.contrib import admin

from sharecity.market.reviews.models import Review, ReviewFlag


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("booking", "order", "author_role", "rating", "created_at", "published_at", "hidden_reason")
    list_filter = ("platform", "author_role", "hidden_reason")
    readonly_fields = ("hidden_at", "hidden_reason", "hidden_note", "hidden_by", "published_at")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewFlag)
class ReviewFlagAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "platform", "updated_at", "closed_at")
    list_filter = ("platform", "kind")

    def has_delete_permission(self, request, obj=None):
        return False
