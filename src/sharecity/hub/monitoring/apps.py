from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "sharecity.hub.monitoring"
    label = "hub_monitoring"
    verbose_name = _("Hub monitoring")
