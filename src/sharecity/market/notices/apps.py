from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "sharecity.market.notices"
    label = "market_notices"
    verbose_name = _("Rights holders' notices")
