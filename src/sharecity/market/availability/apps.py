from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AvailabilityConfig(AppConfig):
    name = "sharecity.market.availability"
    label = "market_availability"
    verbose_name = _("Availability")
