from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "sharecity.market.complaints"
    label = "market_complaints"
    verbose_name = _("Market complaints")
