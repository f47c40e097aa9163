from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "sharecity.hub.complaints"
    label = "hub_complaints"
    verbose_name = _("Third-party complaint platform")
