from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxConfig(AppConfig):
    name = "sharecity.hub.tax"
    label = "hub_tax"
    verbose_name = _("Tax reports received")
