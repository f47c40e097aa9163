from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    name = "sharecity.kernel"
    label = "kernel"
    verbose_name = _("Kernel")

    def ready(self) -> None:
        from sharecity.kernel import ratelimit  # noqa: F401  (registers the rate limits' system check)
