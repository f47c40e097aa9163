from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "sharecity.market.moderation"
    label = "market_moderation"
    verbose_name = _("Content moderation")
