from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "sharecity.market.reviews"
    label = "market_reviews"
    verbose_name = _("Market reviews")
