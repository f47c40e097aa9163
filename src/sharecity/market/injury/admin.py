from django.contrib import admin

from sharecity.market.injury.models import ContributionRate


@admin.register(ContributionRate)
class ContributionRateAdmin(admin.ModelAdmin):
    """Rates are added with their source; a loaded rate is never edited (a correction is a new dated row)."""

    list_display = ("province_code", "industry", "effective_from", "fen_per_order", "verified", "source")
    list_filter = ("industry", "verified")
    readonly_fields = ("loaded_by", "loaded_at")

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from sharecity.market.injury.services import contributions_compute_pending

        obj.loaded_by = request.user
        super().save_model(request, obj, form, change)
        contributions_compute_pending()
