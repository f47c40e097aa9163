from django.contrib import admin

from sharecity.market.pricing.models import PriceObservation, Promotion


@admin.register(PriceObservation)
class PriceObservationAdmin(admin.ModelAdmin):
    list_display = ("listing", "unit_price_fen", "transacted_at")


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ("listing", "original_price_fen", "price_fen", "starts_at", "ends_at", "status")
    list_filter = ("status",)
