from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "sharecity.market.listings"
    label = "market_listings"
    verbose_name = _("Listings")
