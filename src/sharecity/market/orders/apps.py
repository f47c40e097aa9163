from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "sharecity.market.orders"
    label = "market_orders"
    verbose_name = _("Orders and transaction processes")
