from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "sharecity.market.payments"
    label = "market_payments"
    verbose_name = _("Payments and ledger")
