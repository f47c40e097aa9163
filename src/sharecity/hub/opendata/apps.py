from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "sharecity.hub.opendata"
    label = "hub_opendata"
    verbose_name = _("Open data portal")

    def ready(self) -> None:
        # The city's own datasets register themselves in the catalogue (``catalog.register``).
        from sharecity.hub.opendata import builders  # noqa: F401
