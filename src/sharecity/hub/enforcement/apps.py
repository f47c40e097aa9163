from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "sharecity.hub.enforcement"
    label = "hub_enforcement"
    verbose_name = _("Enforcement: cases, leniency and recalls")
