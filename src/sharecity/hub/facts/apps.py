from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactsConfig(AppConfig):
    name = "sharecity.hub.facts"
    label = "hub_facts"
    verbose_name = _("Facts reported by platforms")
