from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "sharecity.hub.inspection"
    label = "hub_inspection"
    verbose_name = _("Hub random inspections")
