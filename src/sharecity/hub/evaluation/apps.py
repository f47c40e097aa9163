from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "sharecity.hub.evaluation"
    label = "hub_evaluation"
    verbose_name = _("Hub evaluation")
