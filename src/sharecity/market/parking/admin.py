from django.contrib import admin

from sharecity.market.parking.models import AvailabilityWindow, Booking, ParkingSpace


class AvailabilityWindowInline(admin.TabularInline):
    model = AvailabilityWindow
    extra = 0


@admin.register(ParkingSpace)
class ParkingSpaceAdmin(admin.ModelAdmin):
    list_display = ("title", "platform", "district_code", "vehicle_size", "price_per_hour_fen", "status")
    list_filter = ("platform", "district_code", "status")
    inlines = [AvailabilityWindowInline]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("space", "customer", "starts_at", "ends_at", "amount_fen", "state")
    list_filter = ("platform", "state")
