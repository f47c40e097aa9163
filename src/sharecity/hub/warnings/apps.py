from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "sharecity.hub.warnings"
    label = "hub_warnings"
    verbose_name = _("Risk warnings")
