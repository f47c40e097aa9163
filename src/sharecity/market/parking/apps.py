from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParkingConfig(AppConfig):
    name = "sharecity.market.parking"
    label = "market_parking"
    verbose_name = _("Market parking")
