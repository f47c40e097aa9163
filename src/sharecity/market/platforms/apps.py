from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "sharecity.market.platforms"
    label = "market_platforms"
    verbose_name = _("Market platforms")
