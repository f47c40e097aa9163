from django.contrib import admin

from sharecity.hub.opendata.models import DisclosureRule


@admin.register(DisclosureRule)
class DisclosureRuleAdmin(admin.ModelAdmin):
    list_display = ("effective_from", "threshold", "epsilon", "source")
