from django.contrib import admin

from sharecity.market.reviews.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("booking", "author_role", "rating", "created_at")

    def has_delete_permission(self, request, obj=None):
        return False
