from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotaConfig(AppConfig):
    name = "sharecity.hub.quota"
    label = "hub_quota"
    verbose_name = _("Public-space quotas")
