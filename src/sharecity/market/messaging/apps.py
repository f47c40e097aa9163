from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "sharecity.market.messaging"
    label = "market_messaging"
    verbose_name = _("Messages")
