from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "sharecity.hub.registry"
    label = "hub_registry"
    verbose_name = _("Hub registry")
