from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatewayConfig(AppConfig):
    name = "sharecity.hub.gateway"
    label = "hub_gateway"
    verbose_name = _("Hub HTTPS gateway")
