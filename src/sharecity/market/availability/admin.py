from django.contrib import admin

from sharecity.market.availability.models import AvailabilityPlan, DatedException, Reservation, WeeklyRule


class WeeklyRuleInline(admin.TabularInline):
    model = WeeklyRule
    extra = 0


class DatedExceptionInline(admin.TabularInline):
    model = DatedException
    extra = 0


@admin.register(AvailabilityPlan)
class AvailabilityPlanAdmin(admin.ModelAdmin):
    list_display = ("listing", "unit", "slot_minutes", "notice_minutes", "horizon_days", "missed_release_minutes")
    inlines = [WeeklyRuleInline, DatedExceptionInline]


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    """Read-only: reservations change through the services (holds lock the listing)."""

    list_display = ("public_id", "listing", "customer", "starts_at", "ends_at", "quantity", "status", "order_ref")
    list_filter = ("status",)
    search_fields = ("order_ref",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
