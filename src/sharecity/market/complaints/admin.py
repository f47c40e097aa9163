from django.contrib import admin

from sharecity.market.complaints.models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("booking", "category", "remedy", "status", "created_at")
    list_filter = ("platform", "status", "category")
