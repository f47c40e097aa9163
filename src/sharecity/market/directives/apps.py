from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "sharecity.market.directives"
    label = "market_directives"
    verbose_name = _("Directives received")
