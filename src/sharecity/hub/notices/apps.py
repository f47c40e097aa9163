from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubNoticesConfig(AppConfig):
    name = "sharecity.hub.notices"
    label = "hub_notices"
    verbose_name = _("Rights holders' notices (hub)")
