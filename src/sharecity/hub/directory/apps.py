from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "sharecity.hub.directory"
    label = "hub_directory"
    verbose_name = _("Platform directory")
