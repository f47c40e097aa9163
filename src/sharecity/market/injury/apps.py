from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InjuryConfig(AppConfig):
    name = "sharecity.market.injury"
    label = "market_injury"
    verbose_name = _("Occupational-injury cover")
