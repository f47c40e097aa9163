from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "sharecity.hub.credit"
    label = "hub_credit"
    verbose_name = _("Hub credit")
