from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "sharecity.hub.audit"
    label = "hub_audit"
    verbose_name = _("Hub audit log")
