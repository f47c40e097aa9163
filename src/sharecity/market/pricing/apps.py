from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "sharecity.market.pricing"
    label = "market_pricing"
    verbose_name = _("Price honesty")
