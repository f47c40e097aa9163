from django.contrib import admin

from sharecity.market.complaints.models import Complaint, ComplaintPolicy


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("booking", "category", "remedy", "status", "created_at")
    list_filter = ("platform", "status", "category")


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(admin.ModelAdmin):
    list_display = ("platform", "answer_hours", "answer_workdays")
