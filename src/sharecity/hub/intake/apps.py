from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "sharecity.hub.intake"
    label = "hub_intake"
    verbose_name = _("Hub intake")
