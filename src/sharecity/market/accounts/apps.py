from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sharecity.market.accounts"
    label = "market_accounts"
    verbose_name = _("Market accounts")
