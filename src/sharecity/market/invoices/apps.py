from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "sharecity.market.invoices"
    label = "market_invoices"
    verbose_name = _("E-invoices")
