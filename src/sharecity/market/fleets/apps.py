from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FleetsConfig(AppConfig):
    name = "sharecity.market.fleets"
    label = "market_fleets"
    verbose_name = _("Fleets")
