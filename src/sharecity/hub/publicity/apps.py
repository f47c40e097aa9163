from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "sharecity.hub.publicity"
    label = "hub_publicity"
    verbose_name = _("Credit publicity, lists and repair")
