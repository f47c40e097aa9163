from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "sharecity.hub.identity"
    label = "hub_identity"
    verbose_name = _("Hub identity reviews")
