from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxConfig(AppConfig):
    name = "sharecity.market.tax"
    label = "market_tax"
    verbose_name = _("Tax reports")
