from django.apps import AppConfig


class SimConfig(AppConfig):
    name = "sharecity.sim"
    label = "sim"
    verbose_name = "City simulator"
    default_auto_field = "django.db.models.BigAutoField"
