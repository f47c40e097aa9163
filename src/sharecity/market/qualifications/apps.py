from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationsConfig(AppConfig):
    name = "sharecity.market.qualifications"
    label = "market_qualifications"
    verbose_name = _("Instrument qualifications")
