from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "sharecity.hub.directives"
    label = "hub_directives"
    verbose_name = _("Hub directives")
