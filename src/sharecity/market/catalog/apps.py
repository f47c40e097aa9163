from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "sharecity.market.catalog"
    label = "market_catalog"
    verbose_name = _("Catalog")
